// The organization's mileage rate in words, or a plain note when none is set yet.
import { formatRate } from "../components/format.js";

export function RateText(props: { rateMilli: number | null }) {
  if (props.rateMilli === null) return <>Not set yet: your admin will set it</>;
  return (
    <>
      <strong>{formatRate(props.rateMilli)}</strong> per mile
    </>
  );
}
