// After django-otp-webauthn's script registers a passkey, go where the page says
// (data-passkey-next on the block around its button): the next page of the sign-in, or the
// security page again. Verification redirects by itself (its redirect_url).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const block = event.target.closest("[data-passkey-next]");
  if (block) {
    window.location.assign(block.dataset.passkeyNext);
  }
});
