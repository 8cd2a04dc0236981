// Starts the app. cargo xtask dist fills in the content-hashed names of the glue and the wasm.
import init from "__GLUE__";

init({ module_or_path: "__WASM__" }).catch((error) => {
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
