import { formatCount } from "../format";
import "../styles/card.css";
import "./InFlightUsers.css";

const VISIBLE = 8;

interface InFlightUsersProps {
  users: string[];
  current: string | null;
}

/** The users whose files are downloading right now (a few, with a count of the rest). */
export function InFlightUsers({ users, current }: InFlightUsersProps) {
  const list = users.length > 0 ? users : current ? [current] : [];
  const hidden = list.length - VISIBLE;

  return (
    <div className="in-flight" data-testid="in-flight-users" data-count={list.length}>
      <h3 className="subheading">
        In flight <span className="count">{formatCount(list.length)}</span>
      </h3>
      {list.length === 0 ? (
        <p className="muted">Waiting for the first users…</p>
      ) : (
        <ul className="chips">
          {list.slice(0, VISIBLE).map((user) => (
            <li key={user} className="chip" title={user}>
              {user}
            </li>
          ))}
          {hidden > 0 && <li className="chip chip-more">+{formatCount(hidden)} more</li>}
        </ul>
      )}
    </div>
  );
}
