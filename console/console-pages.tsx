/**
 * The signed-in console's pages and the navigation between them. Every page is shown to every role that may
 * read it (the Audit log only to those the service lets read it, contract/audit-access.ts); what a role may
 * not change, the page itself leaves out.
 */
import type { Whoami } from '../contract/api';
import { mayReadAudit } from '../contract/audit-access';
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { AllowListsPage } from './allow-lists-page';
import { AuditPage } from './audit-page';
import { KeysPage } from './keys-page';
import { ScopesPage } from './scopes-page';
import { ServiceAccountsPage } from './service-accounts-page';

interface PageEntry {
  title: string;
  visible: (me: Whoami) => boolean;
  render: (me: Whoami) => JSX.Element;
}

const PAGES: readonly PageEntry[] = [
  { title: 'API Keys', visible: () => true, render: (me) => <KeysPage me={me} /> },
  { title: 'Service accounts', visible: () => true, render: (me) => <ServiceAccountsPage me={me} /> },
  { title: 'IP allow lists', visible: () => true, render: (me) => <AllowListsPage me={me} /> },
  { title: 'Scopes', visible: () => true, render: (me) => <ScopesPage me={me} /> },
  { title: 'Audit log', visible: (me) => mayReadAudit(me.effective_role, me.api_key.scopes), render: () => <AuditPage /> },
];

export function ConsolePages(props: { me: Whoami }) {
  const pages = PAGES.filter((p) => p.visible(props.me));
  const [title, setTitle] = useState(pages[0]!.title);
  const current = pages.find((p) => p.title === title) ?? pages[0]!;
  return (
    <>
      <nav class="tabs" aria-label="Console">
        {pages.map((p) => (
          <button key={p.title} type="button" aria-current={p === current ? 'page' : undefined} onClick={() => setTitle(p.title)}>
            {p.title}
          </button>
        ))}
      </nav>
      {current.render(props.me)}
    </>
  );
}
