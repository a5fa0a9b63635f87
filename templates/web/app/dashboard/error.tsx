"use client";

export default function DashboardError({ reset }: { error: Error; reset: () => void }) {
  return (
    <section className="card stack">
      <h1>Dashboard unavailable</h1>
      <p role="alert" className="alert">
        The dashboard could not be loaded. Check that the API is running, then try again.
      </p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
