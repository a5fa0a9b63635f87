"use client";

import { useEffect, useRef } from "react";

import { Alert } from "@/components/ui/alert";
import type { ApiError } from "@/lib/api";

/**
 * Why a form's submission failed, below its fields. When the API refused
 * the values of fields the form shows (fields), each says why next to itself
 * (Field's error, an alert), so this adds nothing to read: it moves the
 * focus to the first of them. Any other error is a message of its own,
 * announced as it appears.
 */
export function FormError({
  error,
  fields,
}: {
  error: ApiError | null;
  fields: readonly string[];
}) {
  const marker = useRef<HTMLSpanElement>(null);
  const besideFields = error !== null && fields.some((name) => name in error.fields);

  useEffect(() => {
    if (besideFields) {
      marker.current
        ?.closest("form")
        ?.querySelector<HTMLElement>('[aria-invalid="true"]')
        ?.focus();
    }
  }, [error, besideFields]);

  if (error === null) {
    return null;
  }
  if (besideFields) {
    return <span ref={marker} hidden />;
  }
  return <Alert variant="destructive">{error.message}</Alert>;
}
