// medsbom web UI: the little JavaScript the pages need (served from /static/app.js; the
// Content-Security-Policy allows no inline script).
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

// SBOM upload: send the chosen file as the request body, then open the stored SBOM.
function setupUpload() {
  const form = document.getElementById("upload-form");
  if (!form) {
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById("upload-status");
    const input = document.getElementById("sbom-file");
    if (!input.files || input.files.length === 0) {
      status.textContent = "Choose a file first.";
      return;
    }
    const file = input.files[0];
    const params = new URLSearchParams({ file_name: file.name });
    for (const name of ["manufacturer", "product", "product_version"]) {
      const field = document.getElementById(name);
      if (field && field.value.trim() !== "") {
        params.set(name, field.value.trim());
      }
    }
    status.textContent = "Uploading " + file.name + "…";
    const response = await fetch("/api/v1/sboms?" + params.toString(), {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrfToken() },
      body: await file.arrayBuffer(),
      credentials: "same-origin",
    });
    const body = await response.json();
    if (!response.ok) {
      status.textContent = "Upload failed: " + body.message;
      return;
    }
    status.textContent = "Stored " + body.product + " " + body.product_version + " (revision " + body.revision + ").";
    window.location.assign("/sboms/" + body.sbom_id);
  });
}

// VEX upload: send the chosen document, then show the per-statement import report.
function setupVexUpload() {
  const form = document.getElementById("vex-form");
  if (!form) {
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById("vex-status");
    const input = document.getElementById("vex-file");
    if (!input.files || input.files.length === 0) {
      status.textContent = "Choose a file first.";
      return;
    }
    const file = input.files[0];
    status.textContent = "Uploading " + file.name + "…";
    const params = new URLSearchParams({ file_name: file.name });
    const response = await fetch("/api/v1/vex?" + params.toString(), {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrfToken() },
      body: await file.arrayBuffer(),
      credentials: "same-origin",
    });
    const body = await response.json();
    if (!response.ok) {
      status.textContent = "Upload failed: " + body.message;
      return;
    }
    status.textContent = "";
    const summary = document.createElement("p");
    summary.textContent = (body.status === "imported" ? "Imported " : "Already imported: ") +
      body.n_statements + " statement(s) from " + body.file + " (" + body.format + "), " +
      body.skipped.length + " skipped.";
    status.appendChild(summary);
    const list = document.createElement("ul");
    list.id = "vex-report";
    for (const statement of body.statements) {
      const item = document.createElement("li");
      item.textContent = statement.vulnerability_id + ": " + statement.status +
        (statement.justification ? " (" + statement.justification + ")" : "") +
        " · " + statement.applies_to.join("; ");
      list.appendChild(item);
    }
    for (const skipped of body.skipped) {
      const item = document.createElement("li");
      item.textContent = "skipped " + skipped.location + ": " + skipped.message;
      list.appendChild(item);
    }
    status.appendChild(list);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupUpload();
  setupVexUpload();
});
