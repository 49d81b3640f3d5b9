// The public form's offline check: find a counter such that SHA-256("<token>:<counter>") starts with the
// number of zero bits the server asked for (Web Crypto). Without script, or where Web Crypto is missing
// (a page served over plain http from another host), the customer answers the small sum instead.
(function () {
  "use strict";
  var form = document.getElementById("public-form");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var token = form.dataset.powToken;
  var bits = parseInt(form.dataset.powBits, 10) || 0;
  var counterInput = document.getElementById("id_challenge_counter");
  var question = document.getElementById("challenge-question");
  var done = document.getElementById("challenge-done");
  var answer = document.getElementById("id_challenge_answer");
  var button = document.getElementById("submit-complaint");
  var encoder = new TextEncoder();
  var BATCH = 256;

  function zeroBits(buffer) {
    var bytes = new Uint8Array(buffer);
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      count += Math.clz32(bytes[i]) - 24;
      break;
    }
    return count;
  }

  function search(start) {
    var jobs = [];
    for (var i = start; i < start + BATCH; i++) {
      jobs.push(crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + i)));
    }
    return Promise.all(jobs).then(function (hashes) {
      for (var j = 0; j < hashes.length; j++) {
        if (zeroBits(hashes[j]) >= bits) return String(start + j);
      }
      return search(start + BATCH);
    });
  }

  var solved = null;
  var started = performance.now();
  var work = search(0).then(function (counter) {
    form.dataset.powMs = String(Math.round(performance.now() - started));
    solved = counter;
    counterInput.value = counter;
    if (!(question.querySelector(".invalid-feedback"))) question.hidden = true;
    done.hidden = false;
    form.dataset.powSolved = "1";
    return counter;
  });

  var waiting = false;
  form.addEventListener("submit", function (event) {
    if (solved !== null || (answer && answer.value.trim())) return;
    event.preventDefault();
    if (waiting) return;
    waiting = true;
    button.disabled = true;
    work.then(function () { button.disabled = false; form.requestSubmit ? form.requestSubmit(button) : form.submit(); });
  });
})();
