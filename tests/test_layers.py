"""The import contract: each module imports only its own layer and the layers below it, and no
module outside the blueprints reads Flask's request globals (the actor is an argument).

Layers, lowest first (README, "Working on Recond"):
0. foundation — models, errors, clock, configuration, reference data, PDF and label rendering,
   the job queue, sending mail;
1. scopes — what each actor may see;
2. rules — what the lifecycle's guards and effects read: sanitisation, recycling, grading, the OS
   catalogue, pricing, equipment requests, the training gate, payments; and device look-ups;
   the notices a decided request sends; the webhooks the changes record and their delivery;
3. lifecycle — the one writer of a status and of the history;
4. journeys — collection, workshop, distribution and identity modules that perform actions;
5. interfaces — blueprints, the CLI, the demo and the app factory.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "recond"

LAYERS = [
    ("foundation", ["recond.clock", "recond.config", "recond.errors", "recond.extensions",
                    "recond.models", "recond.public_id", "recond.siret", "recond.territories",
                    "recond.categories", "recond.documents", "recond.jobs", "recond.capabilities",
                    "recond.money", "recond.money_words", "recond.weights", "recond.whole_numbers", "recond.labels.media", "recond.labels.geometry",
                    "recond.labels.content", "recond.labels.pdf", "recond.labels.zpl",
                    "recond.labels.image", "recond.workshop.wipelogs", "recond.migrations",
                    # the lifecycle's vocabulary (statuses, their named groups): read by the rules
                    "recond.lifecycle.statuses", "recond.mail",
                    # logs (the request side is blueprints/request_log), database roles, backups
                    "recond.logs", "recond.database_roles", "recond.backups",
                    # database connections, and whether this instance can serve (the probes)
                    "recond.database", "recond.readiness",
                    # who holds an API token, as a worker keeps it (the scan checks it in its query)
                    "recond.identity.bearers"]),
    ("scopes", ["recond.scopes"]),
    ("rules", ["recond.workshop.sanitisation", "recond.workshop.recycling", "recond.workshop.grading",
               "recond.workshop.os_catalogue", "recond.distribution.pricing",
               "recond.distribution.equipment_requests", "recond.distribution.training_gate",
               "recond.distribution.payments", "recond.scan", "recond.identity.notices",
               # webhooks: the events the changes record (outbox), their delivery, the register
               "recond.webhooks",
               # what the lifecycle reads of partner conventions (supplied? price cap?)
               "recond.collection.convention_terms"]),
    ("lifecycle", ["recond.lifecycle"]),
    ("journeys", ["recond.collection", "recond.workshop", "recond.distribution", "recond.identity",
                  "recond.overview", "recond.inventory", "recond.labels", "recond.verification",
                  # the webhooks' register: administrators' changes, written to the security log
                  "recond.webhooks.register", "recond.reports"]),
    ("interfaces", ["recond.blueprints", "recond.cli", "recond.demo", "recond"]),
]
REQUEST_GLOBALS = {("flask", "request"), ("flask", "g"), ("flask", "session"),
                   ("flask_login", "current_user")}


def layer_of(module: str) -> int:
    best, found = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    assert found is not None, f"{module} is in no layer: add it to LAYERS"
    return found


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "versions" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports(path: Path, module: str):
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for alias in node.names:
                yield node.lineno, base, alias.name


ALL = list(modules())


@pytest.mark.parametrize("module,path", ALL, ids=[m for m, _ in ALL])
def test_imports_only_go_down(module, path):
    mine = layer_of(module)
    upward = []
    for line, imported, name in imports(path, module):
        if not imported.startswith("recond"):
            continue
        target = f"{imported}.{name}" if name and _is_module(f"{imported}.{name}") else imported
        if layer_of(target) > mine:
            upward.append(f"line {line}: {target} ({LAYERS[layer_of(target)][0]})")
    assert not upward, f"{module} ({LAYERS[mine][0]}) imports upwards: {upward}"


@pytest.mark.parametrize("module,path", ALL, ids=[m for m, _ in ALL])
def test_only_views_read_the_request(module, path):
    if module.startswith("recond.blueprints") or module == "recond":
        return
    found = [f"line {line}: {imported}.{name}" for line, imported, name in imports(path, module)
             if (imported, name) in REQUEST_GLOBALS]
    assert not found, f"{module} reads request globals: {found}"


def test_the_contract_catches_an_upward_import(tmp_path):
    """The check itself can fail: a rule module importing the lifecycle is upward."""
    assert layer_of("recond.lifecycle.engine") > layer_of("recond.distribution.pricing")
    assert layer_of("recond.distribution.deliveries") > layer_of("recond.lifecycle")


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (ROOT / relative).with_suffix(".py").exists() or (ROOT / relative).is_dir()
