import { Link, useNavigate } from 'react-router';
import { formatTimestamp, orDash } from '../lib/format';
import { formatPhone } from '../lib/phone';
import type { Customer } from '../lib/types';

/**
 * Customers as a table; each row opens the customer page. The name is the row's link, so the
 * keyboard reaches every customer with Tab; a click anywhere on the row does the same for the
 * mouse. On narrow screens the rows stack as cards (see .table--cards in styles.css).
 */
export function CustomersTable({ customers }: { customers: readonly Customer[] }) {
  const navigate = useNavigate();
  return (
    <div className="table-scroll">
      <table className="table table--cards table--clickable">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {customers.map((customer) => (
            <tr key={customer.id} onClick={() => void navigate(`/customers/${customer.id}`)}>
              <td data-label="Name" className="table__primary">
                <Link to={`/customers/${customer.id}`} onClick={(event) => event.stopPropagation()}>
                  {customer.name}
                </Link>
              </td>
              <td data-label="Email">{customer.email}</td>
              <td data-label="Phone" className="table__phone">
                {orDash(formatPhone(customer.phone))}
              </td>
              <td data-label="Created">
                <time dateTime={customer.createdAt} title={customer.createdAt}>
                  {formatTimestamp(customer.createdAt)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
