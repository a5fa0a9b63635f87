/**
 * Joins class names, skipping the false, null and undefined ones:
 * cn("p-2", busy && "opacity-70"). It does not merge conflicting Tailwind
 * classes: a component's className adds to its own classes, it does not
 * override them.
 */
export function cn(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(" ");
}
