// sw.js — the service worker that makes sonomap an offline app. On the first visit it caches
// the app (the page, its workers, the engine and the shipped model: the precache list the build
// writes into this file, each with a content hash), so a reload with no network still opens the
// page and maps dropped files. Dataset folders (?dataset=, a site's maps/) are fetched from the
// network first and kept, so a map opened once opens again offline. A new build installs beside
// the old one and waits; the page offers to switch (workbox-window's SKIP_WAITING message), so
// one page never runs a mix of two versions.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { getOrCreateDefaultRouter } from 'workbox-routing/utils/getOrCreateDefaultRouter.js';
import { NetworkFirst } from 'workbox-strategies';

// [{url, revision}] relative to this file, written by scripts/build-web.mjs.
const PRECACHE = __SONOMAP_PRECACHE__;

cleanupOutdatedCaches();
// index.html?dataset=… is index.html: the query never names another file of the app.
precacheAndRoute(PRECACHE, { ignoreURLParametersMatching: [/.*/] });

// Everything else on this origin (dataset folders): network first, the cache when offline.
registerRoute(
  ({ request, url }) => request.method === 'GET' && url.origin === self.location.origin,
  new NetworkFirst({ cacheName: 'sonomap-data' }),
);

// {type: 'CACHE_URLS', payload: {urlsToCache}} from the page: what it fetched before this worker
// took control (the first visit's map) is kept too, through the routes above.
getOrCreateDefaultRouter().addCacheListener();

self.addEventListener('message', (e) => {
  if (e.data?.type === 'SKIP_WAITING') self.skipWaiting();
});
// The first install takes the open page at once (there is no old version to mix with).
clientsClaim();
