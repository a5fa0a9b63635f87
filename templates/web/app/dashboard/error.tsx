"use client";

export default function DashboardError({ reset }: { error: Error; reset: () => void }) {
  return (
    <section className="card stack">
      <h1>Dashboard unavailable</h1>
      <p role="alert" className="alert">
        The API could not be reached. Check that it is running, then try again.
      </p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
