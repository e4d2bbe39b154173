// offline.js — registers the service worker (workers/sw.js, via workbox-window) and says what
// it means: on the first visit that the app now works offline, and when a new version has
// been installed, a notice with a button that switches to it (the page reloads once the new
// version controls it).
import { Workbox } from 'workbox-window';

export const offline = {
  supported: false, // the browser can run the service worker here
  ready: false, //     the app is cached: it opens without a network
  updateReady: false, // a new version waits for the person's go
  error: null, //      why the service worker could not be registered
};

/** Registers sw.js next to the page. say(text): a status message. */
export function registerOffline(say, notice) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  offline.supported = true;
  const wb = new Workbox('sw.js');
  // What the page fetches outside the worker (before it is installed, or still in flight when
  // it takes over: the first visit's ?dataset= map) is handed to it to keep as well.
  const same = (u) => new URL(u).origin === location.origin;
  let early = [location.href];
  let sent = null;
  const keep = (urlsToCache) =>
    wb.messageSW({ type: 'CACHE_URLS', payload: { urlsToCache } }).catch(() => {});
  if (typeof PerformanceObserver === 'function')
    new PerformanceObserver((list) => {
      const urls = list
        .getEntries()
        .filter((e) => e.workerStart === 0 && same(e.name))
        .map((e) => e.name);
      if (!urls.length) return;
      if (sent) sent = sent.then(() => keep(urls));
      else early.push(...urls);
    }).observe({ type: 'resource', buffered: true });
  wb.addEventListener('activated', (e) => {
    if (!e.isUpdate) {
      sent = keep(early).finally(() => {
        offline.ready = true;
      });
      early = [];
      say('sonomap is saved in this browser: it now opens and works offline');
    } else offline.ready = true;
  });
  wb.addEventListener('waiting', () => {
    offline.updateReady = true;
    const text = notice.querySelector('span');
    const button = notice.querySelector('button');
    text.textContent = 'A new version of sonomap is ready.';
    button.textContent = 'Switch to it';
    button.onclick = () => {
      button.disabled = true;
      wb.addEventListener('controlling', () => location.reload());
      wb.messageSkipWaiting();
    };
    notice.hidden = false;
  });
  wb.register()
    .then((reg) => {
      if (reg?.active && navigator.serviceWorker.controller) offline.ready = true;
    })
    .catch((e) => {
      offline.error = e.message;
    });
}
