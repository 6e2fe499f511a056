import type { AppRouter } from '@peasswap/api/router';
import type { inferRouterOutputs } from '@trpc/server';
import { formatTimestamp, orDash } from '../lib/format';

export type Customer = inferRouterOutputs<AppRouter>['customers']['list']['data'][number];

export function CustomersTable({ customers }: { customers: readonly Customer[] }) {
  return (
    <div className="table-scroll">
      <table className="table">
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
            <tr key={customer.id}>
              <td>{customer.name}</td>
              <td>{customer.email}</td>
              <td>{orDash(customer.phone)}</td>
              <td>
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
