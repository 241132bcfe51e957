// Cancel and Done: in a dialog a button that closes it (it acts); on a page of its own a link
// back to Users (it navigates). Links navigate, buttons act.

export function CloseOrBack(props: { page?: boolean | undefined; label: string; href?: string }) {
  return props.page ? (
    <a href={props.href ?? "/users"} class="button-link secondary">
      {props.label}
    </a>
  ) : (
    <button type="button" class="secondary" data-close-dialog>
      {props.label}
    </button>
  );
}
