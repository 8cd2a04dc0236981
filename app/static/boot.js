// Starts the app: the staff area's own wasm at /staff, the kiosk's everywhere else, so that a
// citizen's download carries no staff code. cargo xtask dist fills in the content-hashed names.
const staff = location.pathname === "/staff" || location.pathname.startsWith("/staff/");
const glue = staff ? "__STAFF_GLUE__" : "__KIOSK_GLUE__";
const wasm = staff ? "__STAFF_WASM__" : "__KIOSK_WASM__";

import(glue)
  .then(({ default: init }) => init({ module_or_path: wasm }))
  .catch((error) => {
    console.error(error);
    const root = document.getElementById("app");
    if (root) {
      root.innerHTML = "";
      const message = document.createElement("p");
      message.className = "loading";
      message.textContent =
        "Trình duyệt này không chạy được ứng dụng. Vui lòng báo cán bộ tại quầy. / " +
        "This browser cannot run the app. Please tell the staff at the counter.";
      root.appendChild(message);
    }
  });
