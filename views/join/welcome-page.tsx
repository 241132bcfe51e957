// After Join: the member's first page. Their organization, the rate, and what to do next.
import type { Welcome } from "../../src/domain/join.js";
import { RateText } from "./rate-text.js";

export const MILEIQ_APP_URL = "https://mileiq.com/";
export const MILEIQ_DASHBOARD_URL = "https://dashboard.mileiq.com/";

export function WelcomePage(props: { welcome: Welcome }) {
  const { welcome } = props;
  return (
    <section class="notice-page join-page">
      <h1>Welcome to MileIQ{welcome.memberName ? `, ${welcome.memberName}` : ""}</h1>
      <p>
        You are now an active member of <strong>{welcome.orgName}</strong>.
      </p>
      <dl class="join-facts">
        <dt>Organization</dt>
        <dd>{welcome.orgName}</dd>
        <dt>Mileage rate</dt>
        <dd>
          <RateText rateMilli={welcome.rateMilli} />
        </dd>
      </dl>
      <h2>Next steps</h2>
      <ol>
        <li>
          <a href={MILEIQ_APP_URL} target="_blank" rel="noopener noreferrer">
            Install the MileIQ app
          </a>{" "}
          on your phone and sign in with your work account ({welcome.email}). It records your drives automatically.
        </li>
        <li>
          Or{" "}
          <a href={MILEIQ_DASHBOARD_URL} target="_blank" rel="noopener noreferrer">
            open the web dashboard
          </a>{" "}
          to review your drives and send mileage reports.
        </li>
      </ol>
    </section>
  );
}
