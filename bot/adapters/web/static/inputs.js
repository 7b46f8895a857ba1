// The written-input form: sent with fetch so the receipt (or the reason for a refusal) shows on the page.
"use strict";
(function () {
  const form = document.getElementById("inputs-form");
  if (!form) return;
  const result = document.getElementById("inputs-result");
  const send = document.getElementById("input-send");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const label = send.textContent;
    send.disabled = true;
    send.textContent = form.dataset.sending;
    result.className = "";
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      const body = await response.json();
      result.textContent = response.ok ? body.receipt : body.message;
      result.className = response.ok ? "receipt" : "problem";
      if (response.ok) form.reset();
    } catch (error) {
      result.textContent = String(error);
      result.className = "problem";
    } finally {
      send.disabled = false;
      send.textContent = label;
    }
  });
})();
