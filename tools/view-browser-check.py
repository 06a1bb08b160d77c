#!/usr/bin/env python3
"""camrec view in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven
by Selenium. Records a synthetic recording with injected drops and errors, starts `camrec view`,
and checks what a user would: the drop and error markers sit at the sequences `camrec frames
--after-gap` and `camrec frames --status error` report, clicking a marker and the timeline shows
that buffer, the arrow keys step to the next sequence, plane views and pixel values work; with two
recordings that differ in one frame, that frame is the one pair listed and its heatmap is not
black; the timeline's first paint (performance.now() when the first lanes are drawn) is timed.
Screenshots of each view go to --screenshots. Prints one JSON line of figures; exits 1 on a
failed check, 2 when the browser tools are missing.

Run by CamrecViewTests.ViewerBrowserTests (swift test); by hand:
  tools/view-browser-check.py --camrec .build/debug/camrec --work /tmp/vc --screenshots .build/view-screenshots \
      [--big BIG.camrec]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAILED: " + message, file=sys.stderr)


def camrec(binary, *arguments):
    result = subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=300)
    if result.returncode not in (0,):
        raise RuntimeError(f"camrec {' '.join(arguments)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class Viewer:
    """`camrec view` running on a free port of 127.0.0.1."""

    def __init__(self, binary, recordings):
        self.process = subprocess.Popen([binary, "view", *recordings, "--port", "0"], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if "http://" not in line:
            self.process.kill()
            raise RuntimeError(f"camrec view printed no URL: {line!r} {self.process.stderr.read()}")
        self.url = line[line.index("http://"):].split()[0]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def refused(url):
    """Nothing but the recordings given, by index, can be asked for."""
    import urllib.error
    import urllib.request
    for path in ["api/r/1/markers", "api/r/-1/markers", "api/r/..%2F..%2Fetc/markers", "../../etc/passwd",
                 "api/r/0/frame/main/..%2F..%2F..%2Fetc%2Fpasswd", "api/r/0/frame/%2Fetc%2Fpasswd/1.png",
                 "api/r/0/buffers?stream=/etc/passwd", "api/diff", "etc/passwd", "api/r/0/frame/main/99999.png",
                 "api/r/0/buffer/main/99999"]:
        try:
            with urllib.request.urlopen(url + path, timeout=10) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        check(status in (400, 404) and b"root:" not in body, f"/{path} is refused ({status})")
        if path.startswith("api/"):
            check(b'"error"' in body, f"/{path} says why it was refused ({body[:120]!r})")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1100", "--force-device-scale-factor=1"]:
        options.add_argument(argument)
    chromium = shutil.which("chromium")
    if chromium:
        options.binary_location = chromium
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def wait_for(driver, script, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script("return " + script)
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {script}")


def shown_sequence(driver):
    return int(wait_for(driver, "document.getElementById('frame-sequence') && document.getElementById('frame-sequence').textContent"))


def wait_sequence(driver, expected, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        # Read in the page: the element is replaced whenever another buffer is shown.
        text = driver.execute_script("const e = document.getElementById('frame-sequence'); return e ? e.textContent : null")
        if text == str(expected):
            return True
        time.sleep(0.05)
    return False


def single_recording(arguments, driver, figures):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.common.action_chains import ActionChains
    recording = os.path.join(arguments.work, "injected.camrec")
    camrec(arguments.camrec, "record", "--synthetic", "--synthetic-unpaced", "--synthetic-size", "64x48",
           "--synthetic-drop-every", "9", "--synthetic-error-every", "7", "--frames", "60", "-o", recording)
    expected_drops = sorted((row["stream"], row["sequence"], row["missing_before"])
                            for row in json_lines(camrec(arguments.camrec, "frames", recording, "--after-gap", "--json")))
    expected_errors = sorted((row["stream"], row["sequence"])
                             for row in json_lines(camrec(arguments.camrec, "frames", recording, "--status", "error", "--json")))
    check(expected_drops and expected_errors, "the synthetic recording has drops and errors to look for")
    viewer = Viewer(arguments.camrec, [recording])
    try:
        check(viewer.url.startswith("http://127.0.0.1:"), f"without --listen the viewer binds loopback ({viewer.url})")
        refused(viewer.url)
        driver.get(viewer.url)
        wait_for(driver, "window.camrecView && window.camrecView.ready")
        figures["first_paint_ms_small"] = driver.execute_script("return window.camrecView.firstPaintMs")
        found_drops = sorted((e.get_attribute("data-stream"), int(e.get_attribute("data-sequence")), int(e.get_attribute("data-missing")))
                             for e in driver.find_elements(By.CSS_SELECTOR, "li.marker.driver-drop"))
        found_errors = sorted((e.get_attribute("data-stream"), int(e.get_attribute("data-sequence")))
                              for e in driver.find_elements(By.CSS_SELECTOR, "li.marker.error"))
        check(found_drops == expected_drops, f"drop markers {found_drops} are where frames --after-gap says: {expected_drops}")
        check(found_errors == expected_errors, f"error markers {found_errors} are where frames --status error says: {expected_errors}")
        # The timeline draws the same markers: the canvas holds the drop colour where each drop is.
        drawn = driver.execute_script("""
            const v = window.camrecView, c = document.getElementById('timeline'), g = c.getContext('2d');
            const ratio = window.devicePixelRatio || 1; let hits = 0, total = 0;
            for (const lane of v.markers[0]) for (const m of lane.driver_drops) {
              total++;
              const lay = v.layout(0, lane.stream, m.timestamp_ns);
              const d = g.getImageData(Math.round(lay.x * ratio), Math.round((lay.y + 13) * ratio), 1, 1).data;
              if (d[0] > 200 && d[1] > 120 && d[1] < 200 && d[2] < 100) hits++;
            }
            return [hits, total];""")
        check(drawn[0] == drawn[1] and drawn[1] > 0, f"every drop marker is drawn on its lane ({drawn[0]} of {drawn[1]})")
        driver.save_screenshot(os.path.join(arguments.screenshots, "timeline.png"))

        # Click the first error marker: the frame view shows that buffer.
        stream, sequence = expected_errors[0]
        driver.find_element(By.CSS_SELECTOR, f"li.marker.error[data-stream='{stream}'][data-sequence='{sequence}']").click()
        check(wait_sequence(driver, sequence), f"clicking the error marker at {stream} {sequence} shows that buffer")
        status = driver.execute_script("return window.camrecView.shownDetail().status")
        check(status == "error", f"the buffer shown is an error buffer (status {status})")
        # Step with the arrow key to the next buffer of the stream (the sequence frames lists next).
        rows = json_lines(camrec(arguments.camrec, "frames", recording, "--stream", stream, "--json"))
        sequences = [row["sequence"] for row in rows]
        following = sequences[sequences.index(sequence) + 1]
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        check(wait_sequence(driver, following), f"ArrowRight steps from {sequence} to {following}")
        figures["stepped_to"] = shown_sequence(driver)

        # A video buffer: the frame view, zoom and pixel values under the cursor, then a plane view.
        video = json.loads(camrec(arguments.camrec, "info", recording, "--json"))["streams"]
        main = next(s["name"] for s in video if s["kind"] == "video" and s["format"]["fourcc"] == "NV12")
        ok_rows = [row for row in json_lines(camrec(arguments.camrec, "frames", recording, "--stream", main, "--status", "ok", "--json"))]
        target = ok_rows[len(ok_rows) // 2]["sequence"]
        driver.execute_script(f"window.camrecView.select(0, {json.dumps(main)}, {target})")
        check(wait_sequence(driver, target), f"selecting {main} {target} shows it")
        wait_for(driver, "window.camrecView.imagesShown")
        image = driver.find_element(By.CSS_SELECTOR, "#images canvas")
        ActionChains(driver).move_to_element_with_offset(image, 5, 5).perform()
        pixel = wait_for(driver, "document.getElementById('pixel').textContent")
        check(pixel.startswith("x ") and " R" in pixel, f"the pixel under the cursor is read out ({pixel!r})")
        driver.save_screenshot(os.path.join(arguments.screenshots, "frame.png"))
        wait_for(driver, "document.getElementById('plane-Y')")
        driver.find_element(By.ID, "plane-Y").click()
        wait_for(driver, "window.camrecView.plane === 0 && window.camrecView.imagesShown")
        ActionChains(driver).move_to_element_with_offset(driver.find_element(By.CSS_SELECTOR, "#images canvas"), 6, 6).perform()
        time.sleep(0.2)
        pixel = driver.execute_script("return document.getElementById('pixel').textContent")
        check(" Y " in pixel, f"the Y plane view reads Y values ({pixel!r})")
        driver.save_screenshot(os.path.join(arguments.screenshots, "plane-y.png"))

        # Clicking the timeline lane shows a buffer of that lane.
        driver.execute_script("window.camrecView.resetZoom()")
        lane = driver.execute_script(f"return window.camrecView.layout(0, {json.dumps(main)}, window.camrecView.wholeRange().from)")
        canvas = driver.find_element(By.ID, "timeline")
        width = canvas.size["width"]
        ActionChains(driver).move_to_element_with_offset(canvas, int(lane["left"] + (width - lane["left"]) / 2 - width / 2),
                                                         int(lane["y"] + 12 - canvas.size["height"] / 2)).click().perform()
        time.sleep(1)
        shown = driver.execute_script("return window.camrecView.shown")
        check(shown is not None and shown["stream"] == main, f"clicking the {main} lane shows a {main} buffer ({shown})")
        # Zoom in with the wheel (each step to a half, three steps to an eighth) until a handful of buffers fill the lane.
        for _ in range(3):
            driver.execute_script("""const c = document.getElementById('timeline');
                c.dispatchEvent(new WheelEvent('wheel', {deltaY: -347, clientX: c.getBoundingClientRect().left + c.clientWidth / 2,
                                                         clientY: c.getBoundingClientRect().top + 20, bubbles: true}));""")
            time.sleep(0.1)
        time.sleep(0.5)
        on_screen = driver.execute_script("return window.camrecView.rowsOnScreen()")
        check(on_screen and all(0 < n < 20 for n in on_screen), f"zoomed in, each lane draws a few single buffers ({on_screen})")
        links = driver.execute_script("return window.camrecView.requestLinksDrawn")
        check(links and links > 0, f"zoomed in, lines join the buffers of each request ({links})")
        # ArrowDown goes to the buffer of the same request in the next stream.
        request = driver.execute_script("return window.camrecView.shownDetail().request")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_DOWN)
        time.sleep(1)
        moved = driver.execute_script("const d = window.camrecView.shownDetail(); return [d.stream, d.request]")
        check(moved[0] != main and moved[1] == request, f"ArrowDown shows request {request} in the next stream ({moved})")
        driver.save_screenshot(os.path.join(arguments.screenshots, "timeline-zoomed.png"))
    finally:
        viewer.stop()


def recordings_differing_in_one_frame(arguments, sequence):
    """Two recordings of one seed (identical bytes), the second's main-stream buffer `sequence`
    then made to hold the next frame's planes: its index points that buffer's plane at the
    following buffer's zstd frame (bytes, sizes and checksum), a genuine, readable modification."""
    import sqlite3
    first = os.path.join(arguments.work, "reference.camrec")
    second = os.path.join(arguments.work, "modified.camrec")
    camrec(arguments.camrec, "record", "--synthetic", "--synthetic-seed", "7", "--synthetic-unpaced",
           "--synthetic-size", "64x48", "--frames", "20", "-o", first)
    shutil.copytree(first, second)
    index = sqlite3.connect(os.path.join(second, "index.sqlite"))
    main = index.execute("SELECT id FROM streams WHERE kind = 'video' AND fourcc = 'NV12'").fetchone()[0]
    target = index.execute("SELECT id FROM buffers WHERE stream_id = ? AND sequence = ?", (main, sequence)).fetchone()[0]
    source = index.execute("SELECT id FROM buffers WHERE stream_id = ? AND sequence = ?", (main, sequence + 1)).fetchone()[0]
    index.execute("""UPDATE planes SET (bytesused, data_offset, length, chunk_id, offset, stored_size, raw_size, encoding, checksum) =
                     (SELECT bytesused, data_offset, length, chunk_id, offset, stored_size, raw_size, encoding, checksum
                      FROM planes p WHERE p.buffer_id = ? AND p.plane = planes.plane) WHERE buffer_id = ?""", (source, target))
    index.commit()
    index.close()
    result = subprocess.run([arguments.camrec, "diff", first, second, "--json"], capture_output=True, text=True, timeout=120)
    differing = [d["left_sequence"] for stream in json.loads(result.stdout)["streams"] for d in stream["differences"]]
    check(differing == [sequence], f"camrec diff finds only sequence {sequence} modified ({differing})")
    return first, second


def diff_recordings(arguments, driver, figures):
    from selenium.webdriver.common.by import By
    arguments.diff_first, arguments.diff_second = recordings_differing_in_one_frame(arguments, arguments.diff_sequence)
    viewer = Viewer(arguments.camrec, [arguments.diff_first, arguments.diff_second])
    try:
        driver.get(viewer.url)
        wait_for(driver, "window.camrecView && window.camrecView.ready && window.camrecView.diffReady")
        listed = [int(e.get_attribute("data-sequence")) for e in driver.find_elements(By.CSS_SELECTOR, "li.difference")]
        check(listed == [arguments.diff_sequence], f"the only pair listed as differing is {arguments.diff_sequence} ({listed})")
        if listed:
            driver.find_elements(By.CSS_SELECTOR, "li.difference")[0].click()
            check(wait_sequence(driver, arguments.diff_sequence), "clicking the difference shows that frame")
            wait_for(driver, "window.camrecView.imagesShown && document.getElementById('heatmap')")
            lit = driver.execute_script("""const c = document.getElementById('heatmap'), g = c.getContext('2d');
                const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
                for (let i = 0; i < d.length; i += 4) if (d[i] > 0) n++; return n;""")
            check(lit > 0, f"the heatmap of the modified frame shows where it differs ({lit} pixels lit)")
            figures["heatmap_pixels_lit"] = lit
            psnr = driver.execute_script("""return [...document.querySelectorAll('#metadata tr')]
                .filter(r => r.cells[0].textContent.startsWith('PSNR')).map(r => r.cells[1].textContent)[0]""")
            check(psnr is not None and psnr.endswith("dB"), f"the metadata shows the pair's PSNR ({psnr})")
            figures["psnr"] = psnr
        drawn = driver.execute_script("return window.camrecView.psnrMarksDrawn()")
        check(drawn == 1, f"one PSNR mark is drawn along the timeline ({drawn})")
        driver.save_screenshot(os.path.join(arguments.screenshots, "diff.png"))
        # An identical pair shows no heatmap colour.
        other = 0 if arguments.diff_sequence != 0 else 1
        driver.execute_script(f"window.camrecView.select(0, document.querySelector('li.difference').dataset.stream, {other})")
        wait_sequence(driver, other)
        wait_for(driver, "window.camrecView.imagesShown && document.getElementById('heatmap')")
        lit = driver.execute_script("""const c = document.getElementById('heatmap'), g = c.getContext('2d');
            const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] > 0) n++; return n;""")
        check(lit == 0, f"the heatmap of an identical pair is black ({lit} pixels lit)")
    finally:
        viewer.stop()


def ring_recording(arguments, driver, figures):
    """A ring recording's trigger events are listed and drawn where they fired."""
    import sqlite3
    from selenium.webdriver.common.by import By
    recording = os.path.join(arguments.work, "ring.camrec")
    camrec(arguments.camrec, "record", "--synthetic", "--synthetic-unpaced", "--synthetic-size", "64x48",
           "--synthetic-error-every", "25", "--frames", "90", "--ring", "1s", "--post", "200ms",
           "--trigger-on", "error-buffer", "-o", recording)
    index = sqlite3.connect(os.path.join(recording, "index.sqlite"))
    expected = [row[0] for row in index.execute("SELECT timestamp_ns FROM events ORDER BY id")]
    index.close()
    check(len(expected) > 0, "the ring recording has trigger events")
    viewer = Viewer(arguments.camrec, [recording])
    try:
        driver.get(viewer.url)
        wait_for(driver, "window.camrecView && window.camrecView.ready")
        listed = len(driver.find_elements(By.CSS_SELECTOR, "#notes li.event"))
        check(listed == len(expected), f"{listed} events listed, as the index holds {len(expected)}")
        drawn = driver.execute_script("""
            const v = window.camrecView, c = document.getElementById('timeline'), g = c.getContext('2d');
            const ratio = window.devicePixelRatio || 1; let hits = 0;
            const lane = v.recordings[0].streams[1].name;
            for (const e of v.events[0]) {
              const lay = v.layout(0, lane, e.timestamp_ns);
              const d = g.getImageData(Math.round(lay.x * ratio), Math.round((lay.y + 13) * ratio), 1, 1).data;
              if (d[0] > 200 && d[1] < 120 && d[2] > 200) hits++;
            }
            return hits;""")
        check(drawn == len(expected), f"every event is drawn where it fired ({drawn} of {len(expected)})")
        figures["events"] = listed
        driver.save_screenshot(os.path.join(arguments.screenshots, "events.png"))
    finally:
        viewer.stop()


def big_recording(arguments, driver, figures):
    viewer = Viewer(arguments.camrec, [arguments.big])
    try:
        driver.get(viewer.url)
        wait_for(driver, "window.camrecView && window.camrecView.firstPaintMs != null", timeout=60)
        paint = driver.execute_script("return window.camrecView.firstPaintMs")
        buffers = driver.execute_script("return window.camrecView.recordings[0].streams.reduce((n, s) => n + s.buffers, 0)")
        figures["big_buffers"] = buffers
        figures["first_paint_ms_big"] = paint
        figures["big_timings_ms"] = driver.execute_script("return window.camrecView.timings")
        check(paint < 1000, f"the timeline of {buffers} buffers paints first in {paint:.0f} ms, under a second")
        driver.save_screenshot(os.path.join(arguments.screenshots, "timeline-big.png"))
    finally:
        viewer.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--camrec", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--diff-sequence", type=int, default=7, help="the frame the compared copy has modified")
    parser.add_argument("--big")
    arguments = parser.parse_args()
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("selenium is missing: python3 -m pip install selenium (tools/setup does)", file=sys.stderr)
        return 2
    if not shutil.which("chromedriver"):
        print("chromedriver is missing: apt-get install chromium chromium-driver (tools/setup does)", file=sys.stderr)
        return 2
    os.makedirs(arguments.work, exist_ok=True)
    os.makedirs(arguments.screenshots, exist_ok=True)
    figures = {}
    driver = browser()
    try:
        single_recording(arguments, driver, figures)
        diff_recordings(arguments, driver, figures)
        ring_recording(arguments, driver, figures)
        if arguments.big:
            big_recording(arguments, driver, figures)
    finally:
        driver.quit()
    figures["failures"] = failures
    print(json.dumps(figures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
