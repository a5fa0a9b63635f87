"use client";

import QRCode from "qrcode";
import { useCallback, useEffect, useState } from "react";

import { AsyncButton } from "@/components/async-button";
import { ErrorMessage } from "@/components/signed-in";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { api, toApiError, type ApiError, type MFAStatus } from "@/lib/api";

type Setup = { secret: string; qr: string };

/**
 * Two-factor authentication in the settings: setting up an authenticator
 * app (a QR code, and the secret as text), turning it on with a code,
 * the recovery codes (shown once), new ones, and turning it off.
 */
export function TwoFactor({ onError }: { onError: (err: unknown) => void }) {
  const [status, setStatus] = useState<MFAStatus | null>(null);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");

  const reload = useCallback(() => {
    api.mfaStatus().then(setStatus, onError);
  }, [onError]);
  useEffect(reload, [reload]);

  /** Runs an action of this section: its error is shown here. */
  const run = (action: () => Promise<void>) => async () => {
    setError(null);
    try {
      await action();
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status === 401 && apiError.code !== "invalid_code") {
        onError(err);
      } else {
        setError(apiError);
      }
    }
  };

  if (!status) {
    return null;
  }
  return (
    <>
      <h2>Two-factor authentication</h2>
      {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}
      {!status.totp && !setup && (
        <div className="flex flex-col gap-4">
          <p className="text-muted-foreground">
            Ask for a code from an authenticator app (such as 1Password, Google Authenticator
            or Aegis) at every sign-in, after the password or the provider.
          </p>
          {status.password && (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="mfa-password">Password</Label>
              <Input
                id="mfa-password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
          )}
          <AsyncButton
            action={run(async () => {
              const { secret, otpauth_url } = await api.setupTOTP(password);
              setPassword("");
              setSetup({ secret, qr: await QRCode.toDataURL(otpauth_url, { margin: 1, width: 200 }) });
            })}
            onError={onError}
          >
            Set up authenticator app
          </AsyncButton>
        </div>
      )}
      {!status.totp && setup && (
        <div className="flex flex-col gap-4">
          <p className="text-muted-foreground">
            Scan this QR code with your authenticator app, or type the secret into it. Then enter
            the code it shows.
          </p>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing to optimize */}
          <img src={setup.qr} width={200} height={200} alt="QR code for your authenticator app" />
          <p>
            Secret: <code className="secret [overflow-wrap:anywhere]">{setup.secret}</code>
          </p>
          <CodeField value={code} onChange={setCode} />
          <AsyncButton
            action={run(async () => {
              setCodes(await api.enableTOTP(code));
              setCode("");
              setSetup(null);
              reload();
            })}
            onError={onError}
          >
            Enable
          </AsyncButton>
        </div>
      )}
      {status.totp && (
        <div className="flex flex-col gap-4">
          <p>
            <strong>On.</strong> Signing in asks for a code of your authenticator app;{" "}
            {status.recovery_codes} recovery codes left.
          </p>
          <CodeField value={code} onChange={setCode} />
          <div className="flex flex-wrap items-center gap-3">
            <AsyncButton
              variant="outline"
              action={run(async () => {
                setCodes(await api.newRecoveryCodes(code));
                setCode("");
                reload();
              })}
              onError={onError}
            >
              New recovery codes
            </AsyncButton>
            <AsyncButton
              variant="destructive"
              action={run(async () => {
                await api.disableTOTP({ code });
                setCode("");
                reload();
              })}
              onError={onError}
            >
              Turn off two-factor authentication
            </AsyncButton>
          </div>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
    </>
  );
}

function CodeField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor="mfa-code">Authentication code</Label>
      <Input
        id="mfa-code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** The recovery codes, shown once, with ways to keep them. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = codes.join("\n") + "\n";
  return (
    <Alert className="flex flex-col gap-4">
      <p>
        <strong>Your recovery codes.</strong> Each signs you in once without the app. Keep them
        somewhere safe: they are not shown again.
      </p>
      <ul className="recovery-codes grid grid-cols-[repeat(auto-fill,minmax(12rem,1fr))] gap-x-4 gap-y-1">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="button"
          variant="outline"
          onClick={() => navigator.clipboard.writeText(text).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <a
          className={buttonVariants("outline")}
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="recovery-codes.txt"
        >
          Download
        </a>
        <Button type="button" onClick={onDone}>
          Done
        </Button>
      </div>
    </Alert>
  );
}
