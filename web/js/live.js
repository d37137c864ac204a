// The devices on the bench now, kept up to date: server-sent events from /api/events
// (one refetch of /api/bench per change), else /api/bench every 2 seconds when the
// events cannot be had, else nothing while the server has no live list at all (a 404:
// an older server). Calls onChange({devices, live}) after every fetch; LIVE is false
// when there is no live list.
import { get } from "./api.js";

const POLL_MS = 2000;
const RETRY_EVENTS_MS = [2000, 5000, 10000, 30000];
const NO_LIST_RETRY_MS = 30000;

export function watchBench(onChange, onGraded) {
  let stopped = false;
  let source = null;
  let pollTimer = null;
  let retryTimer = null;
  let refetchTimer = null;
  let failures = 0;

  async function fetchBench() {
    if (stopped) return;
    try {
      const doc = await get("/api/bench");
      if (!stopped) onChange({ devices: (doc && doc.devices) || [], live: true });
      return true;
    } catch (err) {
      if (stopped) return false;
      if (err.status === 404) onChange({ devices: [], live: false });
      else onChange({ devices: null, live: true, error: err });
      return err.status !== 404;
    }
  }

  // Several events in a burst (plugged, then read) give one refetch.
  function refetchSoon() {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(fetchBench, 150);
  }

  function startPolling() {
    if (pollTimer || stopped) return;
    const tick = async () => {
      const hasList = await fetchBench();
      if (stopped) return;
      pollTimer = setTimeout(tick, hasList ? POLL_MS : NO_LIST_RETRY_MS);
    };
    pollTimer = setTimeout(tick, POLL_MS);
  }

  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  function openEvents() {
    if (stopped || typeof EventSource === "undefined") {
      startPolling();
      return;
    }
    source = new EventSource("/api/events", { withCredentials: true });
    source.addEventListener("open", () => {
      failures = 0;
      stopPolling();
      fetchBench();
    });
    for (const name of ["plugged", "unplugged", "read", "trust"]) source.addEventListener(name, refetchSoon);
    source.addEventListener("graded", (e) => {
      try {
        onGraded && onGraded(JSON.parse(e.data) || {}); // {job, verdict}
      } catch {
        /* a malformed event changes nothing on the screen */
      }
    });
    source.addEventListener("error", () => {
      if (stopped) return;
      // The browser reconnects by itself after a dropped connection; a refused one
      // (404, 401, 5xx) closes the source: poll meanwhile and try the events again later.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        source = null;
        startPolling();
        const wait = RETRY_EVENTS_MS[Math.min(failures, RETRY_EVENTS_MS.length - 1)];
        failures++;
        retryTimer = setTimeout(openEvents, wait);
      } else {
        startPolling();
      }
    });
  }

  fetchBench();
  openEvents();
  return function stop() {
    stopped = true;
    stopPolling();
    clearTimeout(retryTimer);
    clearTimeout(refetchTimer);
    if (source) source.close();
  };
}
