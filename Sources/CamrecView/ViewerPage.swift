/// The viewer's page, served at `/`: markup and style. Its behaviour is `ViewerScript`; nothing
/// is loaded from anywhere else.
enum ViewerPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>camrec view</title>
<style>
  body { font: 13px system-ui, sans-serif; margin: 0; background: #15171a; color: #ddd; }
  header { padding: 8px 12px; background: #1f2226; border-bottom: 1px solid #333; }
  header h1 { font-size: 15px; margin: 0 12px 0 0; display: inline; }
  #status { color: #9a9; }
  #timeline-box { position: relative; padding: 4px 12px; }
  #timeline { width: 100%; height: 300px; display: block; background: #1b1d21; cursor: crosshair; }
  #range { color: #999; font-size: 12px; }
  #help { color: #777; font-size: 12px; }
  main { display: flex; gap: 12px; padding: 8px 12px; align-items: flex-start; }
  #side { width: 360px; flex: none; }
  #frame-area { flex: 1; min-width: 0; }
  .images { display: flex; gap: 8px; flex-wrap: wrap; }
  .image-box { flex: 1; min-width: 200px; max-width: 640px; }
  .image-box canvas { width: 100%; image-rendering: pixelated; background: #000; display: block; }
  .image-box h3 { font-size: 12px; margin: 4px 0; font-weight: normal; color: #aaa; }
  #frame-title { font-size: 14px; margin: 4px 0; }
  #planes button, #streams button { background: #2a2e33; color: #ddd; border: 1px solid #444; padding: 2px 8px; cursor: pointer; }
  #planes button.on, #streams button.on { background: #3b6ea5; }
  table { border-collapse: collapse; width: 100%; }
  td { border-bottom: 1px solid #2a2a2a; padding: 2px 4px; vertical-align: top; }
  td:first-child { color: #999; white-space: nowrap; }
  #pixel { font-family: monospace; color: #cfc; min-height: 1.2em; }
  #hex { font-family: monospace; font-size: 11px; white-space: pre-wrap; word-break: break-all; max-height: 240px; overflow: auto; }
  .lists { max-height: 260px; overflow: auto; }
  .lists li { cursor: pointer; font-family: monospace; font-size: 12px; }
  .lists li:hover { background: #2a2e33; }
  .marker.driver-drop { color: #f0a040; }
  .marker.error { color: #f05050; }
  .marker.cancelled { color: #c080f0; }
  .marker.recorder-drop { color: #f0e040; }
  .difference { color: #ff7070; }
  ul { margin: 4px 0; padding-left: 16px; }
  .error-text { color: #f66; }
</style>
</head>
<body>
<header><h1>camrec view</h1><span id="title"></span> <span id="status">loading…</span></header>
<div id="timeline-box">
  <canvas id="timeline"></canvas>
  <div><span id="range"></span></div>
  <div id="help">Wheel: zoom · drag: pan · double-click: whole recording · click a lane: show that buffer · ←/→: previous/next frame (Shift: 10) · ↑/↓: the same request's buffer of the stream above/below</div>
</div>
<main>
  <div id="frame-area">
    <div id="frame-title">Click the timeline or a marker to see a frame.</div>
    <div id="streams"></div>
    <div id="planes"></div>
    <div id="pixel"></div>
    <div class="images" id="images"></div>
    <div id="frame-error" class="error-text"></div>
  </div>
  <div id="side">
    <table id="metadata"></table>
    <pre id="hex"></pre>
    <h3>Drops and errors</h3>
    <ul class="lists" id="markers"></ul>
    <div id="diff-box" hidden>
      <h3>Pairs that differ</h3>
      <div id="diff-summary"></div>
      <ul class="lists" id="differences"></ul>
    </div>
    <h3>Events and notes</h3>
    <ul class="lists" id="notes"></ul>
  </div>
</main>
<script src="/viewer.js"></script>
</body>
</html>
"""#
}
