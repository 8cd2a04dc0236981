// Starts the app: the staff area's own wasm at /staff, the kiosk's everywhere else, so that a
// citizen's download carries no staff code. cargo xtask dist fills in the content-hashed names.
//
// A phone page comes with its first screen already drawn by the server (a form: one submit
// button per option). A tap on it before the app has loaded is sent from here, with the
// response id the page carries, so it is stored exactly once however often it is sent; the
// citizen is thanked only once the server has it, is told plainly while the line is down, and
// the app is then never started on that page (it would begin a second rating).
const staff = location.pathname === "/staff" || location.pathname.startsWith("/staff/");
const glue = staff ? "__STAFF_GLUE__" : "__KIOSK_GLUE__";
const wasm = staff ? "__STAFF_WASM__" : "__KIOSK_WASM__";

const form = document.querySelector("form.first-screen");
if (form) {
  const token = /^#t=([0-9a-fA-F]{1,128})$/.exec(location.hash);
  if (token) form.elements.token.value = token[1];
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (window.hailongTapped) return;
    window.hailongTapped = true;
    const data = new URLSearchParams(new FormData(form));
    data.set("answer", event.submitter ? event.submitter.value : "");
    // The same time on every try, so that a try after a lost answer is the same response.
    data.set("at", String(Date.now()));
    for (const button of form.querySelectorAll("button")) {
      button.disabled = true;
      if (event.submitter === button) button.classList.add("selected");
    }
    send(data, 1000);
  });
}

/** The first screen's words (`filling::wording`), carried by the page. */
function words(name) {
  return document.querySelector("template.first-words")?.dataset[name] ?? "";
}

function say(text) {
  const status = document.querySelector(".first-status");
  if (status) status.textContent = text;
}

/** Sends the tap, and again after `wait` ms (doubling to 30 s) while the line is down. */
async function send(data, wait) {
  say(words("sending"));
  let answer;
  try {
    answer = await fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    say(words("notSent"));
    const again = () => send(data, Math.min(wait * 2, 30_000));
    const timer = setTimeout(again, wait);
    addEventListener("online", () => { clearTimeout(timer); again(); }, { once: true });
    return;
  }
  // 409: this page's id is held already (an earlier try got through): the first answer is kept.
  if (answer.status === 201 || answer.status === 200 || answer.status === 409) return thank();
  if (answer.status === 410) return say(words("used"));
  if (answer.status >= 500 || answer.status === 429) {
    say(words("notSent"));
    setTimeout(() => send(data, Math.min(wait * 2, 30_000)), wait);
    return;
  }
  say(words("refused"));
}

/** The server holds the response: the thank-you screen the page carries is shown. */
function thank() {
  const thanks = document.querySelector("template.first-thanks");
  const root = document.getElementById("app");
  if (thanks && root) root.replaceChildren(thanks.content.cloneNode(true));
}

if (!window.hailongTapped) {
  import(glue)
    .then(({ default: init }) => init({ module_or_path: wasm }))
    .catch((error) => {
      console.error(error);
      if (window.hailongTapped) return;
      const root = document.getElementById("app");
      if (root && !form) {
        root.innerHTML = "";
        const message = document.createElement("p");
        message.className = "loading";
        message.textContent =
          "Trình duyệt này không chạy được ứng dụng. Vui lòng báo cán bộ tại quầy. / " +
          "This browser cannot run the app. Please tell the staff at the counter.";
        root.appendChild(message);
      }
    });
}
