import {ApiError, call, el, fileAsBase64, millis, money, snapshot, startCamera, time, watch} from '/api.js';
import {regionCameras} from '/regions.js';

const $ = (id) => document.getElementById(id);
let names = {};
let goods = {}; // sku to item name, from the inventory
const natural = new Intl.Collator(undefined, {numeric: true}).compare;
const item = (sku) => goods[sku] || sku;
let inStoreIds = new Set();
const receiptsSeen = new Set();
let cameraPhoto = null;
let refreshTimer = null;

async function start() {
  try {
    await call('ListDeviceLinks');
  } catch (e) {
    return signIn(e);
  }
  $('signin').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  await refresh();
  watch('WatchStore', onEvent, () => setTimeout(start, 2000));
  watch('WatchShelves', onShelf, () => {});
  setInterval(devices, 5000);
}

function signIn(error) {
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = error instanceof ApiError && error.status !== 401 ? error.message : '';
  $('token').focus();
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const response = await fetch('/api/login', {method: 'POST', headers: {'content-type': 'application/json'},
    body: JSON.stringify({token: $('token').value})});
  if (response.ok) {
    $('token').value = '';
    start();
  } else {
    $('signin-error').textContent = 'That token was refused.';
  }
});

$('sign-out').addEventListener('click', async () => {
  await fetch('/api/logout', {method: 'POST'});
  location.reload();
});

$('camera').addEventListener('click', async () => {
  try {
    await startCamera($('video'));
    $('snap').hidden = false;
  } catch (e) {
    result(e.message, false);
  }
});

$('snap').addEventListener('click', () => {
  cameraPhoto = snapshot($('video'));
  $('snap').hidden = true;
  result('Photo taken.', true);
});

$('register').addEventListener('submit', async (e) => {
  e.preventDefault();
  const file = $('shopper-photo').files[0];
  const photo = file ? await fileAsBase64(file) : cameraPhoto;
  if (!photo) return result('Choose a photo or take one with the camera.', false);
  try {
    const r = await call('RegisterShopper', {name: $('shopper-name').value, photo, pushToken: $('push-token').value});
    result(`Registered ${r.shopper.name}.`, true);
    e.target.reset();
    cameraPhoto = null;
  } catch (err) {
    result(`Not registered: ${err.message}`, false);
  }
});

function result(text, ok) {
  $('register-result').textContent = text;
  $('register-result').className = ok ? 'ok' : 'error';
}

function onEvent(event) {
  const line = describe(event);
  if (line) {
    $('events').prepend(el('li', {}, `${time(event.at)} ${line}`));
    while ($('events').children.length > 100) $('events').lastChild.remove();
  }
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 150);
}

function who(id) {
  return names[id] || id;
}

function describe(e) {
  if (e.shopper) names[e.shopper.shopperId] = e.shopper.name;
  if (e.visit) return `${who(e.visit.shopperId)} ${e.visit.exitedAt ? 'left' : 'entered'}`;
  if (e.cart && e.cart.event) {
    const c = e.cart.event;
    const q = c.quantityDelta || 0;
    const a = c.attribution || {};
    return `${who(c.shopperId)} ${q > 0 ? 'picked' : 'put back'} ${Math.abs(q)} × ${item(c.sku)}` +
      (c.rowId ? ` at ${c.rowId}` : '') + (a.rule ? ` (${a.rule}, confidence ${(a.confidence || 0).toFixed(2)}` +
      `${a.ambiguous ? ', thin: to review' : ''}${evidence(a)})` : '');
  }
  if (e.receipt && (e.receipt.adjustments || []).length) {
    const a = e.receipt.adjustments[e.receipt.adjustments.length - 1];
    const seen = `${e.receipt.receiptId}/${e.receipt.adjustments.length}`;
    if (receiptsSeen.has(seen)) return null;
    receiptsSeen.add(seen);
    return `Receipt for ${e.receipt.shopperName} ${a.quantity < 0 ? 'credited' : 'charged'} ${Math.abs(a.quantity)} × ` +
      `${a.name}: now ${money(e.receipt.netTotal)}`;
  }
  if (e.receipt && receiptsSeen.has(e.receipt.receiptId)) return null; // again, with its push recorded
  if (e.receipt) receiptsSeen.add(e.receipt.receiptId);
  if (e.receipt) return `Receipt for ${e.receipt.shopperName}: ${money(e.receipt.total)}`;
  if (e.review) return `Review ${e.review.state === 'REVIEW_STATE_OPEN' ? 'opened' : 'closed'}: ` +
    `${(e.review.reason || '').replace('REVIEW_REASON_', '').toLowerCase().replace(/_/g, ' ')} ${e.review.event ? item(e.review.event.sku) : ''}`;
  if (e.alert) return `Alert: ${e.alert.message}`;
  return null;
}

async function refresh() {
  try {
    await Promise.all([inStore(), inventory(), devices(), audit()]);
    await reviews(); // its buttons name the shoppers in store
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signIn(e);
  }
}

async function inStore() {
  const r = await call('ListShoppersInStore');
  inStoreIds = new Set((r.shoppers || []).map((s) => s.shopper.shopperId));
  $('in-store').replaceChildren(...(r.shoppers || []).map((s) => {
    names[s.shopper.shopperId] = s.shopper.name;
    const lines = ((s.cart && s.cart.lines) || []).map((l) => el('li', {}, `${l.quantity} × ${l.name} (${l.sku})`));
    return el('li', {'data-shopper': s.shopper.name},
      el('strong', {}, s.shopper.name), ` since ${time(s.shopper.enteredAt)}, cart ${money(s.cart && s.cart.total) || 'empty'}`,
      el('ul', {}, ...lines));
  }));
  if (!$('in-store').children.length) $('in-store').append(el('li', {class: 'muted'}, 'Nobody is in the store.'));
}

async function inventory() {
  const r = await call('GetInventory');
  const lines = (r.lines || []).sort((a, b) => natural(a.item.sku, b.item.sku));
  lines.forEach((l) => { goods[l.item.sku] = l.item.name; });
  regionCameras(new Set(lines.flatMap((l) => l.rows || []).flatMap((row) => row.cameraIds || [])));
  $('inventory').tBodies[0].replaceChildren(...lines.map((l) => el('tr', {class: l.low ? 'low' : '',
    'data-sku': l.item.sku},
  el('td', {}, `${l.item.name} (${l.item.sku})`),
  el('td', {}, String(l.item.stock || 0), ...(l.low ? [' ', el('span', {class: 'badge'}, 'low')] : [])),
  el('td', {}, money(l.item.price)), el('td', {}, ...(l.rows || []).map(rowWithRegions)))));
}

// Each candidate's evidence: who, in how many frames, the terms it is the product of, and its share of the whole.
function evidence(a) {
  const f = (x) => (x || 0).toFixed(2);
  const each = (a.candidates || []).map((k) => `${k.shopperName}: ${k.sightings || 0} frames, nearest ` +
    `Δt ${millis(k.delta)} ms; presence ${f(k.presence)} × nearness ${f(k.nearness)} × approach ` +
    `${f(k.approach)} (closest ${f(k.proximity)}), p ${f(k.probability)}`);
  return each.length ? `; candidates: ${each.join('; ')}` : '';
}

// A row, and for each camera that covers it the band of the frame where its people stand.
function rowWithRegions(row) {
  const pct = (f) => Math.round((f || 0) * 100);
  const regions = (row.cameraIds || []).map((camera) => {
    const r = (row.cameraRegions || []).find((region) => region.cameraId === camera);
    if (!r) return `${camera}: whole frame`;
    const y = r.yMax ? `, y ${pct(r.yMin)}–${pct(r.yMax)}%` : '';
    return `${camera}: x ${pct(r.xMin)}–${pct(r.xMax)}%${y}`;
  });
  return el('div', {class: 'row-regions'}, row.rowId, ...(regions.length ? [' ', el('small', {},
    `(${regions.join('; ')})`)] : []));
}

async function reviews() {
  const r = await call('ListReviews', {openOnly: true});
  $('reviews').replaceChildren(...(r.reviews || []).map((v) => {
    const c = v.event || {};
    const disputed = v.reason === 'REVIEW_REASON_DISPUTED';
    const ageCheck = v.reason === 'REVIEW_REASON_AGE_CHECK';
    // A dispute may go to anyone the page knows of; otherwise to who is in store or was a candidate (an
    // unrecognised person has no shopper to assign to).
    const ids = disputed ? new Set(Object.keys(names).filter((id) => id !== c.shopperId))
      : new Set([...inStoreIds, ...((c.attribution || {}).candidates || []).map((k) => k.shopperId).filter((id) => id)]);
    const buttons = ageCheck ? [el('button', {type: 'button', 'data-age-checked': who(c.shopperId),
      onclick: () => checkAge(c.shopperId)}, `ID checked: ${who(c.shopperId)}`)]
      : [...ids].map((id) => [id, who(id)]).map(([id, name]) => el('button', {type: 'button', 'data-assign': name,
      onclick: () => resolve(v.reviewId, {assignToShopperId: id})}, `Assign to ${name}`));
    const what = disputed
      ? `${who(c.shopperId)} says ${Math.abs(c.quantityDelta || 0)} × ${item(c.sku)} on their receipt is not theirs: ` +
        `"${v.note || ''}"; charged at ${c.rowId || '?'} with confidence ${(c.confidence || 0).toFixed(2)}`
      : `${Math.abs(c.quantityDelta || 0)} × ${item(c.sku)} at ${c.rowId || '?'}, ${c.shopperId ? `charged to ${who(c.shopperId)}, ` : ''}` +
        `${(v.reason || '').replace('REVIEW_REASON_', '').toLowerCase().replace(/_/g, ' ')}: ${v.note || ''}`;
    return el('li', {'data-review': v.reviewId, 'data-reason': v.reason}, what + evidence(c.attribution || {}),
      el('br'), ...buttons,
      el('button', {type: 'button', class: 'secondary', 'data-dismiss': disputed || ageCheck ? 'refund' : 'dismiss',
        onclick: () => resolve(v.reviewId, {dismiss: true})},
      disputed ? 'Refund' : ageCheck ? 'Refund (no ID)' : 'Dismiss'));
  }));
  if (!$('reviews').children.length) $('reviews').append(el('li', {class: 'muted'}, 'Nothing to review.'));
}

// A manager saw the shopper's ID: their restricted picks need no check for a year, and their open checks close.
async function checkAge(shopperId) {
  const document = prompt(`Which document of ${who(shopperId)}'s did you check?`, 'ID card');
  if (document === null) return;
  const validUntil = new Date(Date.now() + 365 * 86400000).toISOString();
  await call('VerifyShopperAge', {shopperId, validUntil, document});
  refresh();
}

async function resolve(reviewId, decision) {
  await call('ResolveReview', {reviewId, ...decision});
  refresh();
}

async function devices() {
  const r = await call('ListDeviceLinks');
  $('devices').tBodies[0].replaceChildren(...(r.links || []).map((d) => el('tr', {'data-device': d.deviceId},
    el('td', {}, d.deviceId), el('td', {}, d.connected ? 'linked' : 'down'), el('td', {}, time(d.lastSeen)),
    el('td', {}, `${millis(d.clockOffset)} ms`), el('td', {}, `${Number(d.messagesPerSecond || 0).toFixed(1)}/s`),
    el('td', {}, String(d.dropped || 0)), el('td', {}, revokeButton(d.deviceId)))));
}

// A device registered here: its token is shown once, and its agent config can be downloaded once.
$('device-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const kind = $('device-kind').value;
  const request = {deviceId: $('device-id').value, kind, gatewayHost: location.hostname};
  if (kind === 'DEVICE_KIND_CAMERA') request.cameraRole = $('device-role').value;
  const out = $('device-result');
  try {
    const r = await call('RegisterDevice', request);
    const url = URL.createObjectURL(new Blob([r.agentConfig], {type: 'text/yaml'}));
    const config = el('a', {href: url, download: `${r.device.deviceId}.yaml`, id: 'device-config'},
      `${r.device.deviceId}.yaml`);
    config.addEventListener('click', () => setTimeout(() => {
      URL.revokeObjectURL(url);
      config.replaceWith(el('span', {}, 'downloaded'));
    }, 0));
    out.className = 'ok';
    out.replaceChildren(el('p', {}, `Registered ${r.device.deviceId}. Its token, shown this once: `,
      el('code', {class: 'token', id: 'device-token'}, r.token)),
    el('p', {}, 'Its agent config (once): ', config,
      ...(location.protocol === 'https:' ? [' beside ', el('a', {href: '/ca.pem', download: 'ca.pem'}, 'ca.pem')] : [])));
    e.target.reset();
    await Promise.all([devices(), audit()]);
  } catch (err) {
    out.className = 'error';
    out.textContent = `Not registered: ${err.message}`;
  }
});

function revokeButton(deviceId) {
  const button = el('button', {type: 'button'}, 'Revoke');
  button.addEventListener('click', async () => {
    if (!confirm(`Revoke ${deviceId}'s token? Its stream closes now; it needs a new token to come back.`)) return;
    await call('RevokeDevice', {deviceId});
    await Promise.all([devices(), audit()]);
  });
  return button;
}

// Each shelf sensor's live state (WatchShelves), a table row per sensor. Proto JSON leaves out zeros.
const shelfRows = new Map();
const shelves = new Map(); // sensor id to its latest state
const shelfListeners = new Set();
const filtered = (s) => (s.filtered === undefined ? 0 : Number(s.filtered));

function onShelf(s) {
  shelves.set(s.sensorId, s);
  shelfListeners.forEach((listener) => listener(s));
  const value = filtered(s);
  const weight = s.type === 'SENSOR_TYPE_WEIGHT';
  const signal = Number.isNaN(value) ? '–' : s.type === 'SENSOR_TYPE_LIGHT' ? (value >= 0.5 ? 'dark' : 'light')
    : `${value.toFixed(1)} ${weight ? 'g' : 'mm'}`;
  const level = s.level === undefined ? 0 : s.level;
  const texts = [s.rowId, item(s.sku), s.sensorId, level < 0 ? '–' : String(level), signal,
    `${s.deviceId} (${s.linked ? 'linked' : 'down'})`];
  let row = shelfRows.get(s.sensorId);
  if (!row) { // built once, then its cells updated in place: the buttons stay put under the pointer
    const tools = s.type === 'SENSOR_TYPE_LIGHT' ? [] : [calibrateButton(s.sensorId, false, 'Tare (row empty)'),
      calibrateButton(s.sensorId, true, 'Learn one item')];
    row = el('tr', {'data-sensor': s.sensorId}, ...texts.map(() => el('td', {})), el('td', {}, ...tools));
    shelfRows.set(s.sensorId, row);
    $('shelves').tBodies[0].replaceChildren(...[...shelfRows.keys()].sort(natural).map((k) => shelfRows.get(k)));
  }
  texts.forEach((text, i) => { row.cells[i].textContent = text; });
}

function calibrateButton(sensorId, learn, label) {
  const button = el('button', {type: 'button', 'data-calibrate': learn ? 'learn' : 'tare'}, label);
  button.addEventListener('click', () => calibrate(sensorId, learn));
  return button;
}

// The sensor's filtered signal over `ms`: its latest value and every one that comes meanwhile.
function readFor(sensorId, ms) {
  const values = [filtered(shelves.get(sensorId))];
  const listener = (s) => s.sensorId === sensorId && values.push(filtered(s));
  shelfListeners.add(listener);
  return new Promise((resolve) => setTimeout(() => {
    shelfListeners.delete(listener);
    resolve(values.filter((v) => !Number.isNaN(v)));
  }, ms));
}

// Tare: the empty row's reading. Learn one item: one item's depth (or weight) against the row's empty reading.
async function calibrate(sensorId, learn) {
  const s = shelves.get(sensorId);
  const c = s.calibration || {};
  const weight = s.type === 'SENSOR_TYPE_WEIGHT';
  const values = await readFor(sensorId, 3000);
  if (values.length === 0) return alert(`${s.rowId}: no signal from ${sensorId} to calibrate with`);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const unit = weight ? mean - (c.tareG || 0) : (c.emptyDistanceMm || 0) - mean;
  if (learn && unit <= 0) return alert(`${s.rowId}: no item measured against the empty row: tare it first`);
  const proposal = learn ? (weight ? {unitWeightG: unit} : {itemDepthMm: unit})
    : (weight ? {tareG: mean} : {emptyDistanceMm: mean});
  const what = learn ? `one item ${unit.toFixed(1)} ${weight ? 'g' : 'mm deep'}`
    : `${weight ? 'tare' : 'empty distance'} ${mean.toFixed(1)} ${weight ? 'g' : 'mm'}`;
  if (!confirm(`${s.rowId}: ${what}, from ${values.length} readings; the row then counts ${learn ? 1 : 0}. Save?`)) return;
  await call('CalibrateRow', {rowId: s.rowId, calibration: proposal});
  await audit();
}

async function audit() {
  const r = await call('ListAuditEntries', {limit: 20});
  $('audit').tBodies[0].replaceChildren(...(r.entries || []).map((e) => el('tr', {'data-action': e.action},
    el('td', {}, time(e.at)), el('td', {}, e.actor), el('td', {}, e.action),
    el('td', {}, Object.entries(e.fields || {}).map(([k, v]) => `${k}: ${v}`).join(', ')))));
}

start();
