import { Link } from 'react-router';

/** A field error; for an email already in use, with the way to the customer who has it. */
export function EmailTakenError({
  message,
  existingCustomer,
}: {
  message: string;
  existingCustomer: string | undefined;
}) {
  return (
    <>
      {message}
      {existingCustomer !== undefined && (
        <>
          {' '}
          <Link to={`/customers/${existingCustomer}`}>View the existing customer</Link>
        </>
      )}
    </>
  );
}
