// The service worker of the CLM web form (served by views_webform.webform_sw, scope
// /clm/forms/): a form page visited once online opens again without a connection.
//
// Network first, the cache when the network fails (or stalls while a copy is at hand), for
// exactly what a form page needs: the page itself, its XForm and form media, and static files.
// Only GETs answered 200 without redirect are stored — a signed-out browser's redirect to the
// sign-in page is never kept as the form. Everything else (POSTs, HEADs, formList, other
// pages, requests asked with cache: "no-store") goes to the network untouched: the page's
// access check before sending must see the real connection and session.
"use strict";

const SETTINGS = {{ settings_json|safe }};
const CACHE = SETTINGS.cache;
const STALLED_MS = 10000;

const quoted = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const FORMS = quoted(SETTINGS.formsPrefix);
const OPENROSA = quoted(SETTINGS.openrosaPrefix);
const FILL_PAGE = new RegExp(`^${FORMS}\\d+/fill/\\d+/$`);
const XFORM = new RegExp(`^${OPENROSA}projects/\\d+/forms/[^/]+\\.xml$`);
const MEDIA = new RegExp(`^${OPENROSA}projects/\\d+/forms/[^/]+/attachments/[^/]+$`);
const STATIC = new URL(SETTINGS.staticUrl, self.location.href).href;

function cacheable(request) {
  if (request.method !== "GET" || request.cache === "no-store") return false;
  const url = new URL(request.url);
  if (url.href.startsWith(STATIC)) return true;
  if (url.origin !== self.location.origin) return false;
  if (request.mode === "navigate") return FILL_PAGE.test(url.pathname);
  return XFORM.test(url.pathname) || MEDIA.test(url.pathname);
}

function storable(response) {
  return response.status === 200 && !response.redirected && response.type === "basic";
}

async function cached(request) {
  return (await caches.open(CACHE)).match(request, { ignoreVary: true });
}

async function networkFirst(event) {
  const request = event.request;
  const network = fetch(request).then((response) => {
    if (storable(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  const copy = await cached(request);
  if (!copy) return network;
  // A stalled connection: answer with the copy after a while; the network answer, if it
  // comes, still refreshes the cache.
  const stalled = new Promise((resolve) => setTimeout(() => resolve(copy), STALLED_MS));
  return Promise.race([network.catch(() => copy), stalled]);
}

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(SETTINGS.cachePrefix) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  if (cacheable(event.request)) event.respondWith(networkFirst(event));
});

// A page opened before this worker controlled it sends what it already loaded (its own URL,
// XForm, media, scripts) to be stored now; the same rules decide what is kept.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "store" || !Array.isArray(event.data.urls)) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const url of event.data.urls.slice(0, 100)) {
        const navigation = event.data.page === url;
        const request = new Request(url, { credentials: "same-origin" });
        if (navigation) {
          const path = new URL(url, self.location.href);
          if (path.origin !== self.location.origin || !FILL_PAGE.test(path.pathname)) continue;
        } else if (!cacheable(request)) continue;
        try {
          const response = await fetch(request, { redirect: "manual" });
          if (storable(response)) await cache.put(request, response);
        } catch {
          // Offline again: the next visit stores it.
        }
      }
    })(),
  );
});
