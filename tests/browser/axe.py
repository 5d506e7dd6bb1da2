"""axe-core, vendored from npm (tests/browser/vendor/axe-core, version in its header), run in
the page under test: no CDN, nothing fetched. Evaluated through the DevTools protocol, so the
page's Content-Security-Policy (scripts from 'self' only) stays as it is."""
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def violations(page) -> list[dict]:
    """WCAG 2.1 A and AA rules (and axe's best practices) failing on the page as it is now:
    each with its rule id and the elements concerned."""
    # After a change of width the page decides in its next frame which tables scroll (and so
    # which boxes take the focus): two frames later it has, whatever the machine's pace.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return found
