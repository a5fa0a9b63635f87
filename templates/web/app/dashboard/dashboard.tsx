"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";

import { AsyncButton } from "@/components/async-button";
import { Field } from "@/components/field";
import { FormError } from "@/components/form-error";
import { ErrorMessage, Loading, useSignedInData } from "@/components/signed-in";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { useSignOut } from "@/components/use-sign-out";
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
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1>Dashboard</h1>
          <p className="text-muted-foreground">
            Signed in as <strong className="[overflow-wrap:anywhere]">{data.user.email}</strong>
          </p>
        </div>
        <SignOutButton onError={fail} />
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
        <p className="text-muted-foreground">No notes yet. Add your first one above.</p>
      ) : (
        <ul className="flex flex-col gap-3" aria-labelledby="notes-heading">
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
      variant="outline"
      keepFocus
      action={async () => onLoaded(await api.listNotes(cursor), cursor)}
      onError={onError}
    >
      Load more
    </AsyncButton>
  );
}

function SignOutButton({ onError }: { onError: (err: unknown) => void }) {
  const signOut = useSignOut();

  return (
    <AsyncButton variant="outline" action={signOut} onError={onError}>
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
    <form
      action={formAction}
      className="flex flex-col gap-4 rounded-lg border bg-card p-5"
      noValidate
    >
      <Field name="title" label="Title" error={fields.title}>
        {(control) => (
          <Input {...control} required maxLength={200} defaultValue={state.title} />
        )}
      </Field>
      <Field name="body" label="Body" error={fields.body}>
        {(control) => (
          <Textarea {...control} rows={3} maxLength={10000} defaultValue={state.body} />
        )}
      </Field>
      <FormError error={state.error} fields={["title", "body"]} />
      <Button type="submit" disabled={pending} aria-busy={pending}>
        Add note
      </Button>
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
    <li className="flex flex-col gap-1.5 rounded-lg border bg-card px-4 py-3.5">
      <div className="flex items-baseline justify-between gap-2">
        <h3 className="[overflow-wrap:anywhere]">{note.title}</h3>
        <AsyncButton
          variant="ghost"
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
      {note.body && <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">{note.body}</p>}
      <time className="text-sm text-muted-foreground" dateTime={note.created_at}>
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
