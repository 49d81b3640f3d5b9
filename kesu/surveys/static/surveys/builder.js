// The questionnaire builder: add, remove and reorder questions; show the choices box for choice questions.
// The order fields say the order to the server, so the page also works without this script (typed numbers).
(function () {
  "use strict";

  const form = document.getElementById("survey-builder");
  if (!form) return;
  const questions = document.getElementById("questions");
  const groups = document.getElementById("groups");

  function renumber() {
    questions.querySelectorAll("[data-question]").forEach((row, index) => {
      row.querySelector("[data-order]").value = index + 1;
      row.querySelector(".question-number").textContent = index + 1;
    });
  }

  function syncChoices(row) {
    const kind = row.querySelector("[data-kind]").value;
    row.querySelector("[data-choices]").hidden = !(kind === "choice" || kind === "multi");
  }

  let next = 1000; // new rows get indexes the server has not sent
  function cloneRow(template, prefix) {
    const row = template.cloneNode(true);
    const index = next++;
    row.querySelectorAll("[name], [id], label[for]").forEach((el) => {
      ["name", "id", "for"].forEach((attr) => {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(new RegExp("^" + prefix + "-\\d+-"), prefix + "-" + index + "-"));
      });
    });
    row.querySelectorAll("input, textarea, select").forEach((el) => {
      el.classList.remove("is-invalid");
      if (el.type === "checkbox") el.checked = prefix === "q";
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
      else el.value = "";
    });
    row.querySelectorAll(".invalid-feedback").forEach((el) => el.remove());
    return row;
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const row = button.closest("[data-question]");
    if (button.dataset.add === "question") {
      const fresh = cloneRow(questions.querySelector("[data-question]"), "q");
      questions.appendChild(fresh);
      syncChoices(fresh);
      renumber();
      fresh.querySelector("input").focus();
    } else if (button.dataset.add === "group") {
      groups.appendChild(cloneRow(groups.querySelector("[data-group]"), "g"));
    } else if (button.dataset.move === "up" && row && row.previousElementSibling) {
      questions.insertBefore(row, row.previousElementSibling);
      renumber();
      button.focus();
    } else if (button.dataset.move === "down" && row && row.nextElementSibling) {
      questions.insertBefore(row.nextElementSibling, row);
      renumber();
      button.focus();
    } else if (button.hasAttribute("data-remove") && row) {
      if (questions.querySelectorAll("[data-question]").length > 1) row.remove();
      else row.querySelectorAll("input:not([type=checkbox]), textarea").forEach((el) => (el.value = ""));
      renumber();
    }
  });

  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-kind]")) syncChoices(event.target.closest("[data-question]"));
  });
  renumber();
})();
