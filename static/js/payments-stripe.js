// Stripe's "finalize payments on the server" flow: collect the card with Stripe.js, send only
// the payment method id to Nexus (which creates and confirms the PaymentIntent), and run
// stripe.confirmCardPayment only when the answer says the card needs 3-D Secure.
(function () {
  "use strict";
  const form = document.getElementById("payment-form");
  if (!form) return;
  const config = JSON.parse(document.getElementById("payment-config").textContent);
  const stripe = Stripe(config.publishable_key);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const message = document.getElementById("payment-message");
  const button = form.querySelector("button[type=submit]");
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  async function paymentMethodId() {
    const result = await stripe.createPaymentMethod({ type: "card", card: card });
    if (result && result.error) throw new Error(result.error.message || "The card was refused.");
    if (result && result.paymentMethod) return result.paymentMethod.id;
    // A local Stripe stand-in (localstripe) answers createPaymentMethod with nothing; its card
    // tokens carry a card id that its API accepts as a payment method.
    const token = await stripe.createToken(card);
    if (token.error) throw new Error(token.error.message || "The card was refused.");
    return token.token.card.id;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    message.textContent = "Processing…";
    try {
      const id = await paymentMethodId();
      const response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ payment_method: id }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ? body.error.message : "Payment failed.");
      if (body.requires_action) {
        const confirmation = await stripe.confirmCardPayment(body.client_secret);
        if (confirmation.error) {
          throw new Error(confirmation.error.message || "The card could not be authenticated.");
        }
      }
      window.location.assign(body.status_url);
    } catch (error) {
      message.textContent = error.message;
      button.disabled = false;
    }
  });
})();
