// The bridge to ShopService (JSON over HTTP, Server-Sent Events) and the camera, shared by both pages.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call(method, body = {}) {
  const response = await fetch(`/api/shop/${method}`, {
    method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, json.code || '', json.message || response.statusText);
  }
  return json;
}

/** Follows a ShopService stream; onClosed runs once when it ends or is refused (a 401 never reconnects). */
export function watch(method, onMessage, onClosed) {
  const source = new EventSource(`/api/shop/${method}/events`);
  source.onmessage = (e) => onMessage(JSON.parse(e.data));
  const closed = () => {
    source.close();
    onClosed();
  };
  source.addEventListener('end', closed);
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) closed();
  };
  return source;
}

export function money(m) {
  if (!m) return '';
  return `${(Number(m.minorUnits || 0) / 100).toFixed(2)} ${m.currency || ''}`.trim();
}

export function millis(duration) {
  if (!duration) return 0;
  return Math.round(parseFloat(String(duration).replace('s', '')) * 1000);
}

export function time(timestamp) {
  return timestamp ? new Date(timestamp).toLocaleTimeString() : '';
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

/** The photo as base64 JPEG/PNG bytes, from a file input. */
export function fileAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1]);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Shows the device camera in the video element (getUserMedia). */
export async function startCamera(video) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error('This browser offers no camera here (it needs https or localhost).');
  }
  video.srcObject = await navigator.mediaDevices.getUserMedia({video: {facingMode: 'user'}, audio: false});
  video.hidden = false;
  await video.play();
}

/** The video's current frame as base64 JPEG; stops the camera. */
export function snapshot(video) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0);
  video.srcObject.getTracks().forEach((t) => t.stop());
  video.hidden = true;
  return canvas.toDataURL('image/jpeg', 0.92).split(',')[1];
}
