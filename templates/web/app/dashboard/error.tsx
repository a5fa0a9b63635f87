"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export default function DashboardError({ reset }: { error: Error; reset: () => void }) {
  return (
    <Card>
      <h1>Dashboard unavailable</h1>
      <Alert variant="destructive">
        The dashboard could not be loaded. Check that the API is running, then try again.
      </Alert>
      <Button type="button" onClick={reset}>
        Try again
      </Button>
    </Card>
  );
}
