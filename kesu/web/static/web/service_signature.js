// The customer's signature drawn on the technician's screen (mouse, pen or finger), sent as a PNG data URL with
// the completion form. The form cannot be sent without a signature.
(function () {
  function setup() {
    var canvas = document.getElementById("signature-pad");
    if (!canvas) return;
    var input = document.getElementById("signature-data");
    var form = canvas.closest("form");
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;

    function fit() {
      var ratio = window.devicePixelRatio || 1;
      var width = canvas.clientWidth;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(180 * ratio);
      canvas.style.height = "180px";
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.2;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      drawn = false;
      input.value = "";
    }
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true;
      last = point(e);
      canvas.setPointerCapture && canvas.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
      e.preventDefault();
    });
    function end() {
      if (drawing && drawn) {
        input.value = canvas.toDataURL("image/png");
        canvas.classList.remove("border-danger");
      }
      drawing = false;
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointerleave", end);
    canvas.style.touchAction = "none";
    document.getElementById("signature-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      input.value = "";
    });
    form.addEventListener("submit", function (e) {
      if (!input.value) {
        e.preventDefault();
        canvas.classList.add("border-danger");
        canvas.focus();
      }
    });
    fit();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
