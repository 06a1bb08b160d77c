/// The viewer's script, served at `/viewer.js`: the timeline (lanes from per-bucket summaries,
/// single buffers once few are on screen, markers from `/markers`), the frame view and the
/// comparison of two recordings. Plain JavaScript and canvas, no library. `window.camrecView`
/// exposes its state (first paint time, markers, the frame shown) for scripts and tests.
enum ViewerScript {
    static let source = #"""
"use strict";
const view = window.camrecView = { ready: false, firstPaintMs: null, markers: [], recordings: [], shown: null, diff: null };
const $ = (id) => document.getElementById(id);
const canvas = $("timeline");
const LANE = 26, PLOT = 44, GAP = 6, LEFT = 150, ROWS_BELOW = 2500;
const colors = { buffer: "#5a8fd0", error: "#f05050", cancelled: "#c080f0", drop: "#f0a040", recorder: "#f0e040", note: "#80e0ff", psnr: "#ff7070", event: "#ff50ff" };
let lanes = [];          // { rec, stream, y, summary, rows }
let range = { from: 0, to: 1 }, whole = { from: 0, to: 1 }, origin = 0;
let selected = null;     // { rec, stream, sequence }
let plane = null;        // null: RGB, else component index
let fetchToken = 0;

async function getJSON(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function q(text) { return encodeURIComponent(text); }
function ms(ns) { return (ns / 1e6).toFixed(3) + " ms"; }
function seconds(ns) { return ((ns - origin) / 1e9).toFixed(6) + " s"; }

async function start() {
  try {
    view.timings = { script: performance.now() };
    view.recordings = await getJSON("/api/recordings");
    $("title").textContent = view.recordings.map((r) => r.path).join("  vs  ");
    const indices = view.recordings.map((_, index) => index);
    [view.markers, view.notes, view.events] = await Promise.all([
      Promise.all(indices.map((index) => getJSON(`/api/r/${index}/markers`))),
      Promise.all(indices.map((index) => getJSON(`/api/r/${index}/notes`))),
      Promise.all(indices.map((index) => getJSON(`/api/r/${index}/events`)))]);
    view.timings.markers = performance.now();
    let first = Infinity, last = -Infinity;
    view.recordings.forEach((recording, rec) => {
      for (const stream of recording.streams) {
        if (stream.first_timestamp_ns != null) first = Math.min(first, stream.first_timestamp_ns);
        if (stream.last_timestamp_ns != null) last = Math.max(last, stream.last_timestamp_ns);
      }
    });
    if (!isFinite(first)) { first = 0; last = 1; }
    origin = first;
    const pad = Math.max(1, (last - first) * 0.01);
    whole = { from: Math.floor(first - pad), to: Math.ceil(last + pad) };
    range = { ...whole };
    buildLanes();
    listMarkers();
    listNotes();
    if (view.recordings.length == 2) loadDiff();
    await refresh();
    const totals = view.recordings.map((r) => r.streams.map((s) => `${s.name} ${s.buffers}`).join(", "));
    $("status").textContent = totals.join("  |  ");
    view.ready = true;
  } catch (error) {
    $("status").textContent = "error: " + error.message;
    $("status").className = "error-text";
  }
}

function buildLanes() {
  lanes = [];
  let y = 4;
  view.recordings.forEach((recording, rec) => {
    for (const stream of recording.streams) {
      lanes.push({ rec, stream: stream.name, kind: stream.kind, y, summary: null, rows: null });
      y += LANE + PLOT + GAP;
    }
  });
  if (view.recordings.length == 2) { view.psnrLaneY = y; y += PLOT + GAP; }
  canvas.style.height = y + "px";
}

function resize() {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(canvas.clientWidth * ratio);
  canvas.height = Math.round(canvas.clientHeight * ratio);
}

function xOf(t) { const w = canvas.clientWidth - LEFT; return LEFT + (t - range.from) / (range.to - range.from) * w; }
function tOf(x) { const w = canvas.clientWidth - LEFT; return range.from + (x - LEFT) / w * (range.to - range.from); }

async function refresh() {
  const token = ++fetchToken;
  const buckets = Math.max(1, Math.min(4096, Math.floor(canvas.clientWidth - LEFT)));
  const from = Math.floor(range.from), to = Math.ceil(range.to);
  await Promise.all(lanes.map(async (lane) => {
    const base = `/api/r/${lane.rec}`;
    const summary = await getJSON(`${base}/summary?stream=${q(lane.stream)}&from=${from}&to=${to}&buckets=${buckets}`);
    let rows = null;
    if (summary.buffers <= ROWS_BELOW) {
      rows = await getJSON(`${base}/buffers?stream=${q(lane.stream)}&from=${from}&to=${to}&limit=${ROWS_BELOW}`);
    }
    if (token == fetchToken) { lane.summary = summary; lane.rows = rows; }
  }));
  if (token != fetchToken) return;
  draw();
  if (view.firstPaintMs == null) view.firstPaintMs = performance.now();
  if (view.timings && view.timings.paint == null) view.timings.paint = view.firstPaintMs;
}

let refreshTimer = null;
function scheduleRefresh() { draw(); clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 40); }

function draw() {
  resize();
  const ratio = window.devicePixelRatio || 1;
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  const width = canvas.clientWidth;
  g.clearRect(0, 0, width, canvas.clientHeight);
  g.font = "11px system-ui, sans-serif";
  drawRequests(g);
  for (const lane of lanes) drawLane(g, lane, width);
  if (view.recordings.length == 2) drawPSNR(g, width);
  $("range").textContent = `${seconds(range.from)} … ${seconds(range.to)}  (${ms(range.to - range.from)} on screen)`;
}

function drawLane(g, lane, width) {
  const y = lane.y;
  g.fillStyle = "#23262b"; g.fillRect(LEFT, y, width - LEFT, LANE);
  g.fillStyle = "#ccc";
  const label = (view.recordings.length == 2 ? `#${lane.rec} ` : "") + lane.stream;
  g.fillText(label, 4, y + 16);
  g.fillStyle = "#777"; g.fillText("interval", 4, y + LANE + 16);
  const summary = lane.summary;
  if (!summary) return;
  const span = range.to - range.from;
  if (lane.rows) {
    for (const row of lane.rows) {
      const x = xOf(row.timestamp_ns);
      g.fillStyle = row.status == "error" ? colors.error : row.status == "cancelled" ? colors.cancelled : colors.buffer;
      const w = Math.max(1, Math.min(6, (width - LEFT) / Math.max(1, lane.rows.length) / 2));
      g.fillRect(x - w / 2, y + 3, w, LANE - 6);
      if (lane.rows.length < (width - LEFT) / 40) { g.fillStyle = "#ddd"; g.fillText(String(row.sequence), x + 3, y + LANE - 4); }
    }
  } else {
    let most = 1;
    for (const bucket of summary.buckets) most = Math.max(most, bucket.buffers);
    summary.buckets.forEach((bucket, index) => {
      if (!bucket.buffers) return;
      const x = LEFT + index * (width - LEFT) / summary.buckets.length;
      const h = Math.max(2, (LANE - 6) * bucket.buffers / most);
      g.fillStyle = bucket.errors ? colors.error : colors.buffer;
      g.fillRect(x, y + LANE - 3 - h, Math.max(1, (width - LEFT) / summary.buckets.length), h);
    });
  }
  // Markers: every drop and error, whatever the zoom.
  const markers = (view.markers[lane.rec] || []).find((m) => m.stream == lane.stream);
  if (markers) {
    g.fillStyle = colors.drop;
    for (const m of markers.driver_drops) {
      if (m.timestamp_ns < range.from || m.timestamp_ns > range.to) continue;
      const x = xOf(m.timestamp_ns);
      g.beginPath(); g.moveTo(x, y); g.lineTo(x - 4, y - 4 + 4); g.lineTo(x + 4, y); g.fill();
      g.fillRect(Math.round(x) - 1, y, 2, LANE);
      if (span < 2e9 || markers.driver_drops.length < 40) g.fillText(`-${m.missing_before}`, x + 2, y + 10);
    }
    g.fillStyle = colors.error;
    for (const m of markers.errors) {
      if (m.timestamp_ns < range.from || m.timestamp_ns > range.to) continue;
      g.fillRect(xOf(m.timestamp_ns) - 1, y + LANE - 5, 3, 5);
    }
    g.fillStyle = colors.recorder;
    for (const m of markers.recorder_drops) {
      if (m.timestamp_ns < range.from || m.timestamp_ns > range.to) continue;
      const x = xOf(m.timestamp_ns);
      g.beginPath(); g.arc(x, y + LANE / 2, 3, 0, 7); g.fill();
    }
  }
  // Trigger events: the window each kept as a band, the moment it fired as a magenta line.
  for (const event of (view.events || [])[lane.rec] || []) {
    if (event.window_end_ns < range.from || event.window_start_ns > range.to) continue;
    const x0 = Math.max(LEFT, xOf(event.window_start_ns)), x1 = Math.min(width, xOf(event.window_end_ns));
    g.fillStyle = "rgba(255, 80, 255, 0.12)";
    g.fillRect(x0, y, Math.max(1, x1 - x0), LANE);
    if (event.timestamp_ns >= range.from && event.timestamp_ns <= range.to) {
      g.fillStyle = colors.event;
      g.fillRect(Math.round(xOf(event.timestamp_ns)) - 1, y, 2, LANE);
    }
  }
  // Recorder notes: a cyan tick on the lane of their stream, or on every lane of the recording.
  g.fillStyle = colors.note;
  for (const note of (view.notes || [])[lane.rec] || []) {
    if (note.stream != null && note.stream != lane.stream) continue;
    if (note.timestamp_ns < range.from || note.timestamp_ns > range.to) continue;
    const x = xOf(note.timestamp_ns);
    g.beginPath(); g.moveTo(x - 4, y); g.lineTo(x + 4, y); g.lineTo(x, y + 6); g.fill();
  }
  if (selected && selected.rec == lane.rec && selected.stream == lane.stream && selected.timestamp != null) {
    const x = xOf(selected.timestamp);
    g.strokeStyle = "#fff"; g.strokeRect(x - 3, y + 1, 6, LANE - 2);
  }
  drawIntervals(g, lane, width, y + LANE);
}

// Zoomed in: a faint line joins the buffers of one request across the lanes of a recording.
function drawRequests(g) {
  const ends = new Map();
  for (const lane of lanes) {
    for (const row of lane.rows || []) {
      const key = lane.rec + ":" + row.request;
      const x = xOf(row.timestamp_ns), y = lane.y + LANE / 2;
      const end = ends.get(key);
      if (end) { end.points.push([x, y]); } else { ends.set(key, { points: [[x, y]] }); }
    }
  }
  g.strokeStyle = "rgba(200, 200, 255, 0.35)";
  g.lineWidth = 1;
  let drawn = 0;
  for (const { points } of ends.values()) {
    if (points.length < 2) continue;
    g.beginPath();
    g.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points.slice(1)) g.lineTo(x, y);
    g.stroke();
    drawn++;
  }
  view.requestLinksDrawn = drawn;
}

function drawIntervals(g, lane, width, top) {
  g.fillStyle = "#1f2125"; g.fillRect(LEFT, top + 2, width - LEFT, PLOT - 4);
  const points = [];
  if (lane.rows) {
    for (let i = 1; i < lane.rows.length; i++) {
      points.push({ x: xOf(lane.rows[i].timestamp_ns), low: lane.rows[i].timestamp_ns - lane.rows[i - 1].timestamp_ns, high: null });
    }
  } else {
    const n = lane.summary.buckets.length;
    lane.summary.buckets.forEach((b, index) => {
      if (b.min_interval_ns == null) return;
      points.push({ x: LEFT + (index + 0.5) * (width - LEFT) / n, low: b.min_interval_ns, high: b.max_interval_ns });
    });
  }
  if (!points.length) return;
  let top_ = 1;
  for (const p of points) top_ = Math.max(top_, p.high ?? p.low);
  const scale = (v) => top + PLOT - 3 - (PLOT - 6) * Math.max(0, v) / top_;
  g.fillStyle = "#8c8"; g.strokeStyle = "#8c8";
  for (const p of points) {
    if (p.high == null) { g.fillRect(p.x - 1, scale(p.low) - 1, 3, 3); }
    else { g.fillRect(p.x, scale(p.high), 1, Math.max(1, scale(p.low) - scale(p.high))); }
  }
  g.fillStyle = "#777"; g.fillText(ms(top_), LEFT - 70, top + 12);
}

function drawPSNR(g, width) {
  const y = view.psnrLaneY;
  g.fillStyle = "#23262b"; g.fillRect(LEFT, y, width - LEFT, PLOT);
  g.fillStyle = "#ccc"; g.fillText("PSNR (diff)", 4, y + 16);
  if (!view.diff) return;
  for (const stream of view.diff.streams) {
    for (const d of stream.differences) {
      if (d.timestamp_nanoseconds < range.from || d.timestamp_nanoseconds > range.to) continue;
      const psnr = typeof d.psnr == "number" ? d.psnr : 0;
      const h = Math.max(4, (PLOT - 4) * (1 - Math.min(60, psnr) / 60));
      g.fillStyle = colors.psnr;
      g.fillRect(xOf(d.timestamp_nanoseconds) - 1.5, y + PLOT - 2 - h, 3, h);
    }
  }
}

function laneAt(y) { return lanes.find((lane) => y >= lane.y && y < lane.y + LANE + PLOT); }

let drag = null;
canvas.addEventListener("mousedown", (event) => { drag = { x: event.offsetX, from: range.from, to: range.to, moved: false }; });
window.addEventListener("mouseup", (event) => {
  if (drag && !drag.moved && event.target == canvas) clickAt(event.offsetX, event.offsetY);
  drag = null;
});
canvas.addEventListener("mousemove", (event) => {
  if (!drag) return;
  const dx = event.offsetX - drag.x;
  if (Math.abs(dx) > 2) drag.moved = true;
  if (!drag.moved) return;
  const shift = dx / (canvas.clientWidth - LEFT) * (drag.to - drag.from);
  range = { from: drag.from - shift, to: drag.to - shift };
  scheduleRefresh();
});
canvas.addEventListener("wheel", (event) => {
  event.preventDefault();
  const t = tOf(Math.max(LEFT, event.offsetX));
  const factor = Math.exp(event.deltaY * 0.002);
  const span = Math.max(1000, Math.min(whole.to - whole.from, (range.to - range.from) * factor));
  const share = (t - range.from) / (range.to - range.from);
  range = { from: t - share * span, to: t - share * span + span };
  scheduleRefresh();
}, { passive: false });
canvas.addEventListener("dblclick", () => { range = { ...whole }; scheduleRefresh(); });
window.addEventListener("resize", () => scheduleRefresh());

async function clickAt(x, y) {
  const lane = laneAt(y);
  if (!lane || x < LEFT) return;
  const t = tOf(x);
  const pixel = (range.to - range.from) / (canvas.clientWidth - LEFT);
  for (const radius of [4, 64, 4096]) {
    const rows = await getJSON(`/api/r/${lane.rec}/buffers?stream=${q(lane.stream)}&from=${Math.floor(t - radius * pixel)}&to=${Math.ceil(t + radius * pixel)}&limit=2000`);
    if (rows.length) {
      let best = rows[0];
      for (const row of rows) if (Math.abs(row.timestamp_ns - t) < Math.abs(best.timestamp_ns - t)) best = row;
      return select(lane.rec, lane.stream, best.sequence);
    }
  }
}

async function select(rec, stream, sequence) {
  selected = { rec, stream, sequence, timestamp: null };
  $("frame-error").textContent = "";
  let detail;
  try {
    detail = await getJSON(`/api/r/${rec}/buffer/${q(stream)}/${sequence}`);
  } catch (error) {
    $("frame-error").textContent = error.message;
    return;
  }
  selected.timestamp = detail.timestamp_ns;
  selected.detail = detail;
  if (plane != null && plane >= detail.plane_views) plane = null;
  view.shown = { rec, stream, sequence: detail.sequence };
  $("frame-title").innerHTML = "";
  const title = document.createElement("span");
  title.textContent = `${view.recordings.length == 2 ? "#" + rec + " " : ""}${stream} · sequence `;
  const number = document.createElement("span");
  number.id = "frame-sequence";
  number.textContent = String(detail.sequence);
  $("frame-title").append(title, number, document.createTextNode(` · ${seconds(detail.timestamp_ns)} · ${detail.status}`));
  showMetadata(detail);
  showStreams(rec, stream);
  showPlanes(detail);
  await showImages(detail);
  // Keep the selected buffer on screen.
  if (detail.timestamp_ns < range.from || detail.timestamp_ns > range.to) {
    const span = range.to - range.from;
    range = { from: detail.timestamp_ns - span / 2, to: detail.timestamp_ns + span / 2 };
    scheduleRefresh();
  } else {
    draw();
  }
}

function showMetadata(d) {
  const rows = [
    ["stream", `${d.stream} (${d.kind}, ${d.fourcc}${d.kind == "video" ? ` ${d.width}x${d.height}` : ""})`],
    ["sequence", d.sequence], ["timestamp", `${d.timestamp_ns} ns (${d.clock})`], ["time", seconds(d.timestamp_ns)],
    ["status", d.status], ["flags", "0x" + d.flags.toString(16).padStart(8, "0")], ["field", d.field],
    ["buffer id", d.buffer_id], ["request", d.request],
    ["missing before", d.missing_before],
  ];
  d.planes.forEach((p, i) => rows.push([`plane ${i}`, `bytesused ${p.bytesused} · length ${p.length} · data_offset ${p.data_offset} · stored ${p.stored_bytes}`]));
  if (view.recordings.length == 2 && view.diff) {
    const stream = view.diff.streams.find((s) => s.stream == d.stream);
    if (stream) {
      const diff = stream.differences.find((x) => x.left_sequence == d.sequence);
      const text = diff ? (typeof diff.psnr == "number" ? diff.psnr.toFixed(2) + " dB" : (diff.psnr || diff.problem || "differ"))
        : stream.only_in_first.includes(d.sequence) ? "only in the first" : stream.only_in_second.includes(d.sequence) ? "only in the second" : "identical";
      rows.push(["PSNR vs #1", text]);
    }
  }
  const table = $("metadata");
  table.innerHTML = "";
  for (const [key, value] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = key;
    tr.insertCell().textContent = String(value);
  }
  $("hex").textContent = d.hex ? d.hex.map((h, i) => `plane ${i}:\n` + h.replace(/(.{2})/g, "$1 ").replace(/((?:.. ){16})/g, "$1\n")).join("\n") : "";
}

function showStreams(rec, current) {
  const box = $("streams");
  box.innerHTML = "";
  for (const stream of view.recordings[rec].streams) {
    const button = document.createElement("button");
    button.textContent = stream.name;
    if (stream.name == current) button.className = "on";
    button.onclick = () => stepStream(stream.name);
    box.append(button);
  }
}

function showPlanes(d) {
  const box = $("planes");
  box.innerHTML = "";
  if (d.kind != "video") return;
  const names = d.plane_views == 3 ? ["RGB", "Y", "U", "V"] : d.plane_views == 1 ? ["RGB", "Y"] : ["RGB"];
  names.forEach((name, index) => {
    const button = document.createElement("button");
    button.textContent = name;
    button.id = "plane-" + name;
    const value = index == 0 ? null : index - 1;
    if (value === plane) button.className = "on";
    button.onclick = () => { plane = value; select(selected.rec, selected.stream, selected.sequence); };
    box.append(button);
  });
}

let zoom = { scale: 1, x: 0, y: 0 };
function loadImage(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => fetch(url).then((r) => r.json()).then((b) => reject(new Error(b.error)), () => reject(new Error("cannot load " + url)));
    image.src = url;
  });
}

async function showImages(d) {
  view.imagesShown = false;
  view.plane = plane;
  const box = $("images");
  box.innerHTML = "";
  if (d.kind != "video") return;
  const suffix = plane == null ? "" : `?plane=${plane}`;
  const sources = [{ title: view.recordings[selected.rec].path, url: `/api/r/${selected.rec}/frame/${q(d.stream)}/${d.sequence}.png${suffix}` }];
  if (view.recordings.length == 2) {
    const other = 1 - selected.rec;
    sources.push({ title: view.recordings[other].path, url: `/api/r/${other}/frame/${q(d.stream)}/${d.sequence}.png${suffix}` });
    if (selected.rec == 0) sources.push({ title: "difference (black: equal)", url: `/api/diff/${q(d.stream)}/${d.sequence}/heatmap.png`, id: "heatmap" });
  }
  const images = [];
  for (const source of sources) {
    const div = document.createElement("div");
    div.className = "image-box";
    const h = document.createElement("h3");
    h.textContent = source.title;
    const c = document.createElement("canvas");
    if (source.id) c.id = source.id;
    div.append(h, c);
    box.append(div);
    try {
      const image = await loadImage(source.url);
      images.push({ canvas: c, image });
    } catch (error) {
      h.textContent += ": " + error.message;
      h.className = "error-text";
    }
  }
  view.images = images;
  paintImages();
  view.imagesShown = true;
}

function paintImages() {
  for (const { canvas: c, image } of view.images || []) {
    c.width = image.width; c.height = image.height;
    const g = c.getContext("2d");
    g.imageSmoothingEnabled = false;
    g.setTransform(zoom.scale, 0, 0, zoom.scale, -zoom.x * zoom.scale, -zoom.y * zoom.scale);
    g.drawImage(image, 0, 0);
    c.onwheel = (event) => {
      event.preventDefault();
      const rect = c.getBoundingClientRect();
      const px = zoom.x + (event.clientX - rect.left) / rect.width * image.width / zoom.scale;
      const py = zoom.y + (event.clientY - rect.top) / rect.height * image.height / zoom.scale;
      zoom.scale = Math.max(1, Math.min(64, zoom.scale * (event.deltaY < 0 ? 2 : 0.5)));
      zoom.x = Math.max(0, Math.min(image.width - image.width / zoom.scale, px - (event.clientX - rect.left) / rect.width * image.width / zoom.scale));
      zoom.y = Math.max(0, Math.min(image.height - image.height / zoom.scale, py - (event.clientY - rect.top) / rect.height * image.height / zoom.scale));
      paintImages();
    };
    c.onmousemove = (event) => {
      const rect = c.getBoundingClientRect();
      const px = Math.floor(zoom.x + (event.clientX - rect.left) / rect.width * image.width / zoom.scale);
      const py = Math.floor(zoom.y + (event.clientY - rect.top) / rect.height * image.height / zoom.scale);
      const values = (view.images || []).map(({ image: other }) => {
        const probe = document.createElement("canvas");
        probe.width = 1; probe.height = 1;
        const pg = probe.getContext("2d");
        pg.drawImage(other, px, py, 1, 1, 0, 0, 1, 1);
        const [r, gr, b] = pg.getImageData(0, 0, 1, 1).data;
        return plane == null ? `R${r} G${gr} B${b}` : `${["Y", "U", "V"][plane]} ${r}`;
      });
      $("pixel").textContent = `x ${px} y ${py}: ` + values.join("  |  ");
    };
  }
}

async function step(delta) {
  if (!selected || !selected.detail) return;
  let detail = selected.detail;
  for (let i = 0; i < Math.abs(delta); i++) {
    const next = delta > 0 ? detail.next_sequence : detail.previous_sequence;
    if (next == null) break;
    if (i == Math.abs(delta) - 1) return select(selected.rec, selected.stream, next);
    detail = await getJSON(`/api/r/${selected.rec}/buffer/${q(selected.stream)}/${next}`);
  }
  if (detail !== selected.detail) return select(selected.rec, selected.stream, detail.sequence);
}

async function stepStream(name) {
  if (!selected) return;
  const t = selected.timestamp;
  const rows = await getJSON(`/api/r/${selected.rec}/buffers?stream=${q(name)}&from=${Math.floor(t - 1e9)}&to=${Math.ceil(t + 1e9)}&limit=2000`);
  if (!rows.length) return;
  // The buffer of the same request when the other stream has one, else the nearest in time.
  let best = rows.find((row) => selected.detail && row.request == selected.detail.request) || rows[0];
  if (!selected.detail || best.request != selected.detail.request) {
    for (const row of rows) if (Math.abs(row.timestamp_ns - t) < Math.abs(best.timestamp_ns - t)) best = row;
  }
  select(selected.rec, name, best.sequence);
}

window.addEventListener("keydown", (event) => {
  if (!selected) return;
  if (event.key == "ArrowRight" || event.key == "ArrowLeft") {
    event.preventDefault();
    step((event.key == "ArrowRight" ? 1 : -1) * (event.shiftKey ? 10 : 1));
  } else if (event.key == "ArrowUp" || event.key == "ArrowDown") {
    event.preventDefault();
    const streams = view.recordings[selected.rec].streams.map((s) => s.name);
    const index = streams.indexOf(selected.stream) + (event.key == "ArrowDown" ? 1 : -1);
    if (index >= 0 && index < streams.length) stepStream(streams[index]);
  }
});

function listMarkers() {
  const list = $("markers");
  list.innerHTML = "";
  const kinds = [["driver_drops", "driver-drop", (m) => `driver drop: ${m.missing_before} missing before`],
                 ["errors", "error", () => "error buffer"], ["cancelled", "cancelled", () => "cancelled buffer"],
                 ["recorder_drops", "recorder-drop", () => "recorder drop (queue full)"]];
  let shown = 0;
  view.markers.forEach((streams, rec) => {
    for (const lane of streams) {
      for (const [key, kind, text] of kinds) {
        for (const m of lane[key]) {
          if (shown++ > 2000) return;
          const li = document.createElement("li");
          li.className = "marker " + kind;
          li.dataset.recording = rec;
          li.dataset.stream = lane.stream;
          li.dataset.sequence = m.sequence;
          li.dataset.kind = kind;
          if (m.missing_before != null) li.dataset.missing = m.missing_before;
          li.textContent = `${view.recordings.length == 2 ? "#" + rec + " " : ""}${lane.stream} ${m.sequence}: ${text(m)}`;
          if (kind != "recorder-drop") li.onclick = () => select(rec, lane.stream, m.sequence);
          list.append(li);
        }
      }
    }
  });
  if (!list.children.length) list.innerHTML = "<li>none</li>";
}

function listNotes() {
  const list = $("notes");
  list.innerHTML = "";
  view.recordings.forEach((recording, rec) => {
    for (const event of view.events[rec]) {
      const li = document.createElement("li");
      li.className = "event";
      li.dataset.recording = rec;
      li.textContent = `${view.recordings.length == 2 ? "#" + rec + " " : ""}${seconds(event.timestamp_ns)} event (${event.trigger}): ${event.detail}`;
      li.style.color = colors.event;
      li.onclick = () => { range = { from: event.window_start_ns, to: Math.max(event.window_end_ns, event.window_start_ns + 1000) }; scheduleRefresh(); };
      list.append(li);
    }
  });
  view.recordings.forEach((recording, rec) => {
    for (const note of view.notes[rec]) {
      const li = document.createElement("li");
      li.textContent = `${view.recordings.length == 2 ? "#" + rec + " " : ""}${seconds(note.timestamp_ns)} ${note.kind}: ${note.message}`;
      li.onclick = () => { const span = range.to - range.from; range = { from: note.timestamp_ns - span / 2, to: note.timestamp_ns + span / 2 }; scheduleRefresh(); };
      li.style.color = colors.note;
      list.append(li);
    }
  });
}

async function loadDiff() {
  $("diff-box").hidden = false;
  $("diff-summary").textContent = "comparing…";
  try {
    view.diff = await getJSON("/api/diff");
  } catch (error) {
    $("diff-summary").textContent = error.message;
    return;
  }
  const list = $("differences");
  list.innerHTML = "";
  const lines = [];
  for (const stream of view.diff.streams) {
    lines.push(`${stream.stream}: ${stream.paired} paired, ${stream.identical} identical, ${stream.differences.length} differ (${stream.compared_as})`);
    for (const d of stream.differences.slice(0, 2000)) {
      const li = document.createElement("li");
      li.className = "difference";
      li.dataset.stream = stream.stream;
      li.dataset.sequence = d.left_sequence;
      li.textContent = `${stream.stream} ${d.left_sequence}: ` + (typeof d.psnr == "number" ? d.psnr.toFixed(2) + " dB" : (d.problem || "differ"));
      li.onclick = () => select(0, stream.stream, d.left_sequence);
      list.append(li);
    }
  }
  $("diff-summary").textContent = lines.join("; ");
  view.diffReady = true;
  draw();
}

// For scripts and tests: where things are drawn and what is shown.
view.select = select;
view.shownDetail = () => selected && selected.detail;
view.wholeRange = () => ({ ...whole });
view.resetZoom = () => { range = { ...whole }; scheduleRefresh(); };
view.layout = (rec, stream, t) => {
  const lane = lanes.find((l) => l.rec == rec && l.stream == stream);
  return lane ? { x: xOf(t), y: lane.y, left: LEFT, height: LANE } : null;
};
view.rowsOnScreen = () => lanes.map((lane) => (lane.rows || []).length);
view.psnrMarksDrawn = () => !view.diff ? 0 : view.diff.streams.reduce((n, s) => n + s.differences
  .filter((d) => d.timestamp_nanoseconds >= range.from && d.timestamp_nanoseconds <= range.to).length, 0);

start();
"""#
}
