import { useTitle } from '../hooks';
import { Link } from '../router';

/** A page that does not exist, or that the user's permissions do not open. */
export function NotFoundPage({ forbidden = false }: { readonly forbidden?: boolean }) {
  useTitle(forbidden ? 'Not available' : 'Not found');
  return (
    <>
      <h1>{forbidden ? 'Not available to you' : 'Page not found'}</h1>
      <p>
        {forbidden
          ? 'Your access permissions do not include this page. Ask an administrator if you need it.'
          : 'There is no page at this address.'}
      </p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </>
  );
}
