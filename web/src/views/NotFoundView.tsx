import "../styles/card.css";

/** A `#/…` address the dashboard has no page for. */
export function NotFoundView() {
  return (
    <section className="card" data-testid="not-found" aria-labelledby="not-found-title">
      <h2 id="not-found-title" tabIndex={-1}>
        No such page
      </h2>
      <p className="muted">
        This address names no page of the dashboard. Go to the <a href="#/">current job</a> or the{" "}
        <a href="#/users">exported users</a>.
      </p>
    </section>
  );
}
