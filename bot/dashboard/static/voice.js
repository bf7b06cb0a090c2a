// Record a voice note in the browser (MediaRecorder) and put it in the upload form's file field,
// so it is sent like a chosen file: the server converts it to OGG/Opus. Without a microphone or
// MediaRecorder the recorder stays hidden and the file field works alone.
(function () {
  const form = document.getElementById("upload");
  const box = form && form.querySelector(".recorder");
  if (!box || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) return;
  const start = box.querySelector("[data-start]"), stop = box.querySelector("[data-stop]");
  const preview = box.querySelector("[data-preview]"), field = form.querySelector("#audio");
  let recorder = null, chunks = [];
  box.hidden = false;

  start.addEventListener("click", async function () {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    recorder = new MediaRecorder(stream);
    chunks = [];
    recorder.addEventListener("dataavailable", function (event) { chunks.push(event.data); });
    recorder.addEventListener("stop", function () {
      stream.getTracks().forEach(function (track) { track.stop(); });
      const type = recorder.mimeType || "audio/webm";
      const file = new File(chunks, "opname." + (type.indexOf("ogg") >= 0 ? "ogg" : "webm"), { type: type });
      const files = new DataTransfer();
      files.items.add(file);
      field.files = files.files;
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    });
    recorder.start();
    start.disabled = true;
    stop.disabled = false;
  });

  stop.addEventListener("click", function () {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    start.disabled = false;
    stop.disabled = true;
  });
})();
