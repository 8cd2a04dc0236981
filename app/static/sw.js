// The service worker: keeps the app shell in a versioned cache so the kiosk starts and works
// with the network gone. cargo xtask dist fills in the version and the list of files.
//
// A new version installs in the background and then waits: the page tells it to take over
// ("skip-waiting") only between respondents, so no citizen is interrupted mid-survey.

const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const CACHE = `hailong-shell-${VERSION}`;
const SHELL = "/index.html";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // "reload" bypasses the HTTP cache, so the new version never precaches an old file.
      cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("hailong-shell-") && name !== CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })()
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API and the published results pages are the server's, never the cached shell.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/results/")) return;

  if (request.mode === "navigate") {
    // Every page of the app is the same shell; the app reads the path itself.
    event.respondWith(
      caches.open(CACHE).then(async (cache) => (await cache.match(SHELL)) || fetch(request))
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE).then(async (cache) => (await cache.match(request)) || fetch(request))
  );
});
