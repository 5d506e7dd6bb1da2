"""The camera path: Chromium's fake camera plays a video of a real label (rendered by
recond.labels, written as Y4M), and the scan station reads it with the vendored ZXing decoder
(Linux desktop Chromium has no BarcodeDetector). The page feeds the decoder frame after frame
until it reads the code; the test waits for that, with a bound generous enough for a machine
whose cores are all busy."""
import io

from PIL import Image

from recond.labels import image
from recond.labels.content import for_device
from recond.labels.media import MEDIA
from tests.browser.conftest import ARTIFACTS, CHROMIUM
from tests.browser.test_scan_station_keyboard import _sign_in, station_ready

WIDTH, HEIGHT = 1280, 720  # a phone camera's usual stream, the label filling most of it
DECODED_WITHIN_MS = 180_000  # a few hundred milliseconds when the machine is idle


CAMERA_STATE = """() => { const v = document.getElementById("camera");
  return v && {readyState: v.readyState, width: v.videoWidth, height: v.videoHeight,
               time: v.currentTime, paused: v.paused, hidden: v.hidden, on: v.dataset.camera}; }"""


# A hand-held phone: the label nearer and farther, a little off centre, frame after frame. One
# still frame forever would make the test hang on whichever picture the decoder happens to
# dislike (about one code in six, at one fixed size, with ZXing's QR detector).
SHOTS = [(1.0, 0, 0), (0.8, -60, 20), (0.65, 40, -30), (0.5, -20, 10), (0.4, 30, 25)]


def _label_video(device, path):
    label = for_device(device, "id", "https://recond.test")
    picture = Image.open(io.BytesIO(image.png(label, MEDIA["roll-62x29"], "id", dpi=480))).convert("RGB")
    picture.thumbnail((WIDTH - 40, HEIGHT - 40))
    body = b""
    for scale, dx, dy in SHOTS:
        shot = picture.resize((round(picture.width * scale), round(picture.height * scale)),
                              Image.LANCZOS)
        frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
        frame.paste(shot, ((WIDTH - shot.width) // 2 + dx, (HEIGHT - shot.height) // 2 + dy))
        y, cb, cr = frame.convert("YCbCr").split()
        half = (WIDTH // 2, HEIGHT // 2)
        body += b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + body)


def test_a_phone_camera_reads_the_label(world, live_server, tmp_path):
    from playwright.sync_api import TimeoutError, sync_playwright

    from recond.extensions import db

    device = world.register()
    video = tmp_path / "label.y4m"
    _label_video(device, video)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        context = browser.new_context(locale="fr-FR")
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        said = []
        page.on("console", lambda message: said.append(message.text))
        page.on("pageerror", lambda error: said.append(f"error: {error}"))
        page.set_default_timeout(60_000)  # a bound for a busy machine, not a pace
        try:
            _sign_in(page, live_server)
            page.goto(f"{live_server}/scan/")
            station_ready(page)
            page.click("#camera-button")
            # No wait on the video itself: the code may be read, and the page gone, before any
            # check of ours could see the stream.
            try:
                page.wait_for_selector("[data-feedback='found']", timeout=DECODED_WITHIN_MS)
            except TimeoutError as error:  # say what the camera was doing, to know why
                camera = page.evaluate(CAMERA_STATE)
                raise AssertionError(f"no code read; camera: {camera}; console: {said}") from error
            assert device.public_id[:4] in page.inner_text("#card-title")
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "camera.png"), full_page=True)
            browser.close()
    db.session.refresh(device)
