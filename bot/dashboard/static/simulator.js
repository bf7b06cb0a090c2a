// The simulator's phones: send without reloading, and show new messages as they are stored.
"use strict";
const POLL_MS = 1000;

async function refresh(screen) {
  const response = await fetch(screen.dataset.messages, { headers: { "X-Requested-With": "fetch" } });
  if (!response.ok) return;
  const html = await response.text();
  if (html !== screen.dataset.last) {
    screen.dataset.last = html;
    screen.innerHTML = html;
    screen.scrollTop = screen.scrollHeight;
  }
}

function refreshAll() {
  document.querySelectorAll(".screen").forEach(refresh);
}

document.querySelectorAll("form.compose").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    form.elements.text.value = "";
    await fetch(form.action, { method: "POST", body: data, headers: { "X-Requested-With": "fetch" } });
    refreshAll();
  });
});

refreshAll();
setInterval(refreshAll, POLL_MS);
