// The allocation desk: the "why a second device" field is asked for only when the chosen
// beneficiary already holds a device (without this script it stays visible, with its hint).
document.querySelectorAll("select[data-second-reason]").forEach(function (select) {
  var input = document.getElementById(select.dataset.secondReason);
  if (!input) return;
  var field = document.getElementById(input.id + "-field");
  function update() {
    var option = select.options[select.selectedIndex];
    var equipped = !!(option && option.hasAttribute("data-equipped"));
    field.hidden = !equipped;
    input.required = equipped;
  }
  select.addEventListener("change", update);
  update();
});
