// Row regions: a look through a shelf camera (GetCameraFrame), the faces found in it and each covered row's region
// drawn over it; the chosen row's edges are dragged (or typed) and saved with SetRowRegion.
import {call, el} from '/api.js';

const $ = (id) => document.getElementById(id);
const GRAB_PX = 12;
const MIN_SPAN = 0.02;
const colours = ['#e53935', '#1e88e5', '#43a047', '#8e24aa', '#fb8c00', '#00897b']; // faces are yellow
const edges = ['xMin', 'xMax', 'yMin', 'yMax'];
let frame = null; // the last GetCameraFrameResponse, regions as edited
let image = null;
let dragging = null;

/** The cameras the rows name, offered for a look. */
export function regionCameras(cameraIds) {
  const select = $('region-camera');
  const chosen = select.value;
  select.replaceChildren(...[...cameraIds].sort().map((id) => el('option', {value: id}, id)));
  if (cameraIds.has(chosen)) select.value = chosen;
  $('region-look').disabled = cameraIds.size === 0;
}

$('region-look').addEventListener('click', async () => {
  const out = $('region-result');
  out.className = 'muted';
  out.textContent = `Asking ${$('region-camera').value} for a frame…`;
  try {
    const r = await call('GetCameraFrame', {cameraId: $('region-camera').value});
    r.rows = (r.rows || []).map((row) => ({...row, region: filled(row.region)}));
    image = new Image();
    image.onload = () => {
      frame = r;
      $('region-row').replaceChildren(...r.rows.map((row) => el('option', {value: row.rowId}, row.rowId)));
      $('region-editor').hidden = false;
      showEdges();
      draw();
      out.className = 'ok';
      out.textContent = `${r.cameraId}: ${(r.faces || []).length} face(s) found; drag the chosen row's edges.`;
    };
    image.src = `data:image/jpeg;base64,${r.jpeg}`;
  } catch (e) {
    out.className = 'error';
    out.textContent = `No frame: ${e.message}`;
  }
});

// Proto JSON leaves zeros out, and y_max 0 means the full height.
function filled(region) {
  const r = {cameraId: region.cameraId, xMin: region.xMin || 0, xMax: region.xMax || 0, yMin: region.yMin || 0,
    yMax: region.yMax || 0};
  if (!r.yMax) {
    r.yMin = 0;
    r.yMax = 1;
  }
  return r;
}

const chosen = () => frame.rows.find((row) => row.rowId === $('region-row').value);

function showEdges() {
  const region = chosen().region;
  edges.forEach((edge) => { $(`region-${edge}`).value = Math.round(region[edge] * 100); });
}

function draw() {
  const canvas = $('region-canvas');
  const scale = Math.min(1, 640 / image.naturalWidth);
  canvas.width = Math.round(image.naturalWidth * scale);
  canvas.height = Math.round(image.naturalHeight * scale);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0, canvas.width, canvas.height);
  const w = canvas.width;
  const h = canvas.height;
  const sx = w / (frame.width || image.naturalWidth);
  const sy = h / (frame.height || image.naturalHeight);
  g.lineWidth = 2;
  g.strokeStyle = '#fff200';
  (frame.faces || []).forEach((f) => g.strokeRect((f.x || 0) * sx, (f.y || 0) * sy, (f.width || 0) * sx, (f.height || 0) * sy));
  frame.rows.forEach((row, i) => {
    const r = row.region;
    const mine = row === chosen();
    g.strokeStyle = colours[i % colours.length];
    g.lineWidth = mine ? 4 : 2;
    g.setLineDash(mine ? [] : [6, 4]);
    g.strokeRect(r.xMin * w, r.yMin * h, (r.xMax - r.xMin) * w, (r.yMax - r.yMin) * h);
    g.font = '14px system-ui, sans-serif';
    const labelY = r.yMin * h + i * 20;
    g.fillStyle = g.strokeStyle;
    g.fillRect(r.xMin * w, labelY, g.measureText(row.rowId).width + 8, 20);
    g.fillStyle = '#fff';
    g.fillText(row.rowId, r.xMin * w + 4, labelY + 15);
  });
  g.setLineDash([]);
}

// The chosen row's edge nearest the pointer, if within reach.
function edgeAt(x, y) {
  const canvas = $('region-canvas');
  const r = chosen().region;
  const w = canvas.width;
  const h = canvas.height;
  const inY = y >= r.yMin * h - GRAB_PX && y <= r.yMax * h + GRAB_PX;
  const inX = x >= r.xMin * w - GRAB_PX && x <= r.xMax * w + GRAB_PX;
  const near = [['xMin', Math.abs(x - r.xMin * w), inY], ['xMax', Math.abs(x - r.xMax * w), inY],
    ['yMin', Math.abs(y - r.yMin * h), inX], ['yMax', Math.abs(y - r.yMax * h), inX]]
    .filter(([, d, inside]) => inside && d <= GRAB_PX).sort((a, b) => a[1] - b[1]);
  return near.length ? near[0][0] : null;
}

// In canvas pixels, which CSS may show smaller.
function point(e) {
  const canvas = $('region-canvas');
  const box = canvas.getBoundingClientRect();
  return [(e.clientX - box.left) * canvas.width / box.width, (e.clientY - box.top) * canvas.height / box.height];
}

function move(edge, fraction) {
  const r = chosen().region;
  const v = Math.max(0, Math.min(1, fraction));
  if (edge === 'xMin') r.xMin = Math.min(v, r.xMax - MIN_SPAN);
  if (edge === 'xMax') r.xMax = Math.max(v, r.xMin + MIN_SPAN);
  if (edge === 'yMin') r.yMin = Math.min(v, r.yMax - MIN_SPAN);
  if (edge === 'yMax') r.yMax = Math.max(v, r.yMin + MIN_SPAN);
  showEdges();
  draw();
}

$('region-canvas').addEventListener('pointerdown', (e) => {
  dragging = edgeAt(...point(e));
  if (dragging) $('region-canvas').setPointerCapture(e.pointerId);
});
$('region-canvas').addEventListener('pointermove', (e) => {
  const [x, y] = point(e);
  const canvas = $('region-canvas');
  if (dragging) {
    move(dragging, dragging.startsWith('x') ? x / canvas.width : y / canvas.height);
  } else {
    const edge = edgeAt(x, y);
    canvas.style.cursor = edge ? (edge.startsWith('x') ? 'ew-resize' : 'ns-resize') : 'default';
  }
});
$('region-canvas').addEventListener('pointerup', () => { dragging = null; });
$('region-row').addEventListener('change', () => {
  showEdges();
  draw();
});
edges.forEach((edge) => $(`region-${edge}`).addEventListener('change', (e) => move(edge, Number(e.target.value) / 100)));

$('region-save').addEventListener('click', async () => {
  const row = chosen();
  const out = $('region-result');
  try {
    await call('SetRowRegion', {rowId: row.rowId, region: row.region});
    const pct = (f) => Math.round(f * 100);
    out.className = 'ok';
    out.textContent = `Saved ${row.rowId} on ${row.region.cameraId}: x ${pct(row.region.xMin)}–${pct(row.region.xMax)}%, ` +
      `y ${pct(row.region.yMin)}–${pct(row.region.yMax)}%.`;
  } catch (e) {
    out.className = 'error';
    out.textContent = `Not saved: ${e.message}`;
  }
});
