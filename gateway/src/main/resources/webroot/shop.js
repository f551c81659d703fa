import {ApiError, call, el, fileAsBase64, money, snapshot, startCamera, time, watch} from '/api.js';

const $ = (id) => document.getElementById(id);

async function login(photo) {
  $('login-error').textContent = 'Looking…';
  try {
    const r = await call('LoginWithFace', {photo});
    sessionStorage.setItem('ezshop-name', r.shopper.name);
    $('login-error').textContent = '';
    show();
  } catch (e) {
    $('login-error').textContent = e.status === 404 || e.status === 401
      ? 'We do not recognise this face. Try another photo.' : e.message;
  }
}

$('face').addEventListener('change', async () => {
  if ($('face').files[0]) login(await fileAsBase64($('face').files[0]));
});
$('camera').addEventListener('click', async () => {
  try {
    await startCamera($('video'));
    $('snap').hidden = false;
  } catch (e) {
    $('login-error').textContent = e.message;
  }
});
$('snap').addEventListener('click', () => {
  $('snap').hidden = true;
  login(snapshot($('video')));
});
$('sign-out').addEventListener('click', async () => {
  await fetch('/api/logout', {method: 'POST'});
  sessionStorage.clear();
  location.reload();
});

$('delete-data').addEventListener('click', async () => {
  if (!confirm('Forget your face and name? You will need to register again to shop.')) return;
  try {
    await call('DeleteMyData');
    await fetch('/api/logout', {method: 'POST'});
    sessionStorage.clear();
    sessionStorage.setItem('ezshop-notice', 'Your face and name are forgotten.');
    location.reload();
  } catch (e) {
    alert(e.message);
  }
});

function show() {
  $('login').hidden = true;
  $('cart-view').hidden = false;
  $('sign-out').hidden = false;
  $('hello').textContent = `Hello, ${sessionStorage.getItem('ezshop-name') || 'shopper'}`;
  watch('WatchMyCart', onUpdate, () => setTimeout(show, 2000));
  receipts();
}

function onUpdate(u) {
  if (u.cart) {
    $('cart').replaceChildren(...(u.cart.lines || []).map((l) =>
      el('li', {}, `${l.quantity} × ${l.name} · ${money(l.lineTotal)}`)));
    if (!$('cart').children.length) $('cart').append(el('li', {class: 'muted'}, 'Nothing yet.'));
    $('total').textContent = money(u.cart.total) || '0.00';
  }
  if (u.receipt) {
    $('receipt').hidden = false;
    $('receipt').replaceChildren(el('h3', {}, 'Your receipt'), receiptView(u.receipt, 'receipt-total'));
    receipts();
  }
}

const DISPUTABLE_MS = 30 * 24 * 3600 * 1000;

// A receipt as issued, each line with how sure we were and "Not mine", then its corrections and what is owed now.
function receiptView(r, totalId) {
  const open = Date.now() - Date.parse(r.issuedAt) < DISPUTABLE_MS;
  const held = (sku) => (r.lines || []).filter((l) => l.sku === sku).reduce((n, l) => n + (l.quantity || 0), 0) +
    (r.adjustments || []).filter((a) => a.sku === sku).reduce((n, a) => n + (a.quantity || 0), 0);
  const lines = (r.lines || []).map((l, i) => el('li', {'data-sku': l.sku},
    `${l.quantity} × ${l.name} · ${money(l.lineTotal)}`,
    el('small', {}, ` · sure ${Math.round((l.confidence || 0) * 100)}%`),
    ...(l.pending ? [' ', el('span', {class: 'badge'}, 'pending')] : []),
    ...(open && !l.pending && held(l.sku) > 0 ? [' ', el('button', {type: 'button', class: 'secondary',
      'data-dispute': l.sku, onclick: () => dispute(r.receiptId, i, l.name)}, 'Not mine')] : [])));
  const adjustments = (r.adjustments || []).map((a) => el('li', {class: 'adjustment', 'data-sku': a.sku},
    `${a.quantity < 0 ? 'Credited' : 'Charged'} ${Math.abs(a.quantity)} × ${a.name} · ${money(a.amount)}` +
    ` (${time(a.at)})`));
  const total = money(r.netTotal) || money(r.total) || '0.00';
  const deciding = r.deciding ? [el('p', {class: 'muted'}, `${r.deciding} shelf change${r.deciding > 1 ? 's' : ''} ` +
    'from before you left were still being decided: whatever of it is yours is added below, and you are told.')] : [];
  return el('div', {'data-receipt': r.receiptId}, el('ul', {}, ...lines), ...deciding,
    ...(adjustments.length ? [el('p', {}, `Issued ${money(r.total) || '0.00'}; corrected since:`),
      el('ul', {}, ...adjustments)] : []),
    el('p', {}, 'Total: ', el('strong', totalId ? {id: totalId, class: 'net-total'} : {class: 'net-total'}, total)));
}

async function dispute(receiptId, line, name) {
  const reason = prompt(`Why is the ${name} not yours? The store will look at it.`, 'I did not take it');
  if (reason === null) return;
  try {
    await call('DisputeReceiptLine', {receiptId, line, reason});
    receipts();
  } catch (e) {
    alert(e.message);
  }
}

async function receipts() {
  try {
    const r = await call('GetMyReceipts');
    $('receipts').replaceChildren(...(r.receipts || []).map((x) =>
      el('li', {}, `${time(x.issuedAt)}:`, receiptView(x))));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) location.reload();
  }
}

if (sessionStorage.getItem('ezshop-notice')) {
  $('login-error').textContent = sessionStorage.getItem('ezshop-notice');
  sessionStorage.removeItem('ezshop-notice');
} else if (sessionStorage.getItem('ezshop-name')) {
  call('GetMyReceipts').then(show, () => sessionStorage.clear());
}
