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
    const r = u.receipt;
    $('receipt').hidden = false;
    $('receipt').replaceChildren(el('h3', {}, 'Your receipt'),
      el('ul', {}, ...(r.lines || []).map((l) => el('li', {}, `${l.quantity} × ${l.name} · ${money(l.lineTotal)}`))),
      el('p', {}, 'Total paid: ', el('strong', {id: 'receipt-total'}, money(r.total))));
    receipts();
  }
}

async function receipts() {
  try {
    const r = await call('GetMyReceipts');
    $('receipts').replaceChildren(...(r.receipts || []).map((x) =>
      el('li', {}, `${time(x.issuedAt)}: ${(x.lines || []).length} lines, ${money(x.total)}`)));
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
