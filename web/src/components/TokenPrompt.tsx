import { useState, type FormEvent } from "react";
import { tokenStore } from "../api/tokenStore";
import "../styles/button.css";
import "../styles/card.css";
import "./TokenPrompt.css";

interface TokenPromptProps {
  /** True when a token was sent and refused, false when none was sent yet. */
  hadToken: boolean;
}

/** Asks for the API token when the server answers 401; the token stays in this tab's sessionStorage. */
export function TokenPrompt({ hadToken }: TokenPromptProps) {
  const [value, setValue] = useState("");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) tokenStore.setToken(value);
  };

  return (
    <section className="card token-card" data-testid="token-prompt" id="token-prompt" aria-labelledby="token-title">
      <h2 id="token-title">Access token required</h2>
      <p className="muted">
        This server protects its API with a token (<code>MEDIABATCH_API_TOKEN</code>). Enter it to
        continue; it is kept for this browser tab only.
      </p>
      {hadToken && (
        <p className="form-error" role="alert" data-testid="token-error">
          That token was not accepted. Check it and try again.
        </p>
      )}
      <form className="token-form" onSubmit={submit}>
        <label htmlFor="token-input">API token</label>
        <div className="token-row">
          <input
            id="token-input"
            name="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            value={value}
            onChange={(event) => setValue(event.target.value)}
          />
          <button
            type="submit"
            className="button button-primary"
            id="token-submit"
            data-testid="token-submit"
            disabled={!value.trim()}
          >
            Continue
          </button>
        </div>
      </form>
    </section>
  );
}
