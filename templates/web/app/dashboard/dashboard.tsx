"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";

import Link from "next/link";

import { AsyncButton } from "@/components/async-button";
import { Field } from "@/components/field";
import { FormError } from "@/components/form-error";
import { ErrorMessage, Loading, useSignedInData } from "@/components/signed-in";
import { VerifyBanner } from "@/components/verify-banner";
import { api, toApiError, type ApiError, type Note, type NotePage, type User } from "@/lib/api";

type Data = {
  user: User;
  /** The pages loaded so far, plus notes added here since. */
  notes: Note[];
  /** Where the next page starts; null when every note is loaded. */
  next: NotePage["next"];
};

async function load(): Promise<Data> {
  const [user, page] = await Promise.all([api.me(), api.listNotes()]);
  return { user, notes: page.notes, next: page.next };
}

/**
 * The signed-in part of the app. initial is what the server loaded; when it
 * is null the browser loads it.
 */
export function Dashboard({
  initial,
  serverSawCookie,
}: {
  initial: Data | null;
  /** proxy.ts let this visit through because it carried an auth cookie. */
  serverSawCookie: boolean;
}) {
  const router = useRouter();
  const { data, setData, error, setError, fail } = useSignedInData(initial, load, serverSawCookie);

  if (!data) {
    return <Loading title="Dashboard" error={error} />;
  }

  return (
    <section className="stack">
      <div className="dashboard-head">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">
            Signed in as <strong className="email">{data.user.email}</strong>
          </p>
        </div>
        <div className="actions">
          <Link href="/settings">Settings</Link>
          <SignOutButton onError={fail} />
        </div>
      </div>

      {!data.user.email_verified && <VerifyBanner />}

      <NoteForm
        onCreated={(note) => {
          setError(null);
          setData((d) => d && { ...d, notes: [note, ...d.notes] });
        }}
        onUnauthenticated={() => router.replace("/login")}
      />

      {error && <ErrorMessage error={error} />}

      <h2 id="notes-heading">Your notes</h2>
      {data.notes.length === 0 && data.next === null ? (
        <p className="muted">No notes yet. Add your first one above.</p>
      ) : (
        <ul className="notes" aria-labelledby="notes-heading">
          {data.notes.map((note) => (
            <NoteItem
              key={note.id}
              note={note}
              onDeleted={() => {
                setError(null);
                setData((d) => d && { ...d, notes: d.notes.filter((n) => n.id !== note.id) });
              }}
              onError={fail}
            />
          ))}
        </ul>
      )}
      {data.next !== null && (
        <LoadMoreButton
          cursor={data.next}
          onLoaded={(page, cursor) => {
            setError(null);
            // Appended only onto the page it follows: if two clicks got in
            // before the button showed it was busy, the second answer is
            // the same page again, and is dropped.
            setData(
              (d) =>
                d &&
                (d.next === cursor
                  ? { ...d, notes: [...d.notes, ...page.notes], next: page.next }
                  : d),
            );
          }}
          onError={fail}
        />
      )}
    </section>
  );
}

/**
 * Loads the page of notes that starts at cursor. While it loads, the button
 * keeps the keyboard focus, so that the next press of Enter loads the page
 * after.
 */
function LoadMoreButton({
  cursor,
  onLoaded,
  onError,
}: {
  cursor: string;
  onLoaded: (page: NotePage, cursor: string) => void;
  onError: (err: unknown) => void;
}) {
  return (
    <AsyncButton
      className="secondary"
      keepFocus
      action={async () => onLoaded(await api.listNotes(cursor), cursor)}
      onError={onError}
    >
      Load more
    </AsyncButton>
  );
}

function SignOutButton({ onError }: { onError: (err: unknown) => void }) {
  const router = useRouter();

  return (
    <AsyncButton
      className="secondary"
      action={async () => {
        try {
          await api.logout();
        } catch (err) {
          // Already signed out is as good as signing out.
          if (toApiError(err).status !== 401) {
            throw err;
          }
        }
        router.replace("/login");
        router.refresh();
      }}
      onError={onError}
    >
      Sign out
    </AsyncButton>
  );
}

type NoteFormState = {
  error: ApiError | null;
  /** What was typed, kept when adding failed. */
  title: string;
  body: string;
};

function NoteForm({
  onCreated,
  onUnauthenticated,
}: {
  onCreated: (note: Note) => void;
  onUnauthenticated: () => void;
}) {
  const [state, formAction, pending] = useActionState(
    async (_prev: NoteFormState, form: FormData): Promise<NoteFormState> => {
      const title = String(form.get("title") ?? "");
      const body = String(form.get("body") ?? "");
      try {
        onCreated(await api.createNote({ title, body }));
        return { error: null, title: "", body: "" };
      } catch (err) {
        const error = toApiError(err);
        if (error.status === 401) {
          onUnauthenticated();
        }
        return { error, title, body };
      }
    },
    { error: null, title: "", body: "" },
  );

  const fields = state.error?.fields ?? {};

  return (
    <form action={formAction} className="form card" noValidate>
      <Field name="title" label="Title" error={fields.title}>
        {(control) => (
          <input {...control} required maxLength={200} defaultValue={state.title} />
        )}
      </Field>
      <Field name="body" label="Body" error={fields.body}>
        {(control) => (
          <textarea {...control} rows={3} maxLength={10000} defaultValue={state.body} />
        )}
      </Field>
      <FormError error={state.error} fields={["title", "body"]} />
      <button type="submit" disabled={pending} aria-busy={pending}>
        Add note
      </button>
    </form>
  );
}

function NoteItem({
  note,
  onDeleted,
  onError,
}: {
  note: Note;
  onDeleted: () => void;
  onError: (err: unknown) => void;
}) {
  return (
    <li className="note">
      <div className="note-head">
        <h3>{note.title}</h3>
        <AsyncButton
          className="link-button"
          aria-label={`Delete note “${note.title}”`}
          action={async () => {
            await api.deleteNote(note.id);
            onDeleted();
          }}
          onError={onError}
        >
          Delete
        </AsyncButton>
      </div>
      {note.body && <p className="note-body">{note.body}</p>}
      <time className="muted" dateTime={note.created_at}>
        {formatDate(note.created_at)}
      </time>
    </li>
  );
}

// The same text on the server and in the browser, whatever their time zones,
// so hydration never disagrees.
function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
