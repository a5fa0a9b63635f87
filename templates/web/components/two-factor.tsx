"use client";

import QRCode from "qrcode";
import { useCallback, useEffect, useState } from "react";

import { AsyncButton } from "@/components/async-button";
import { ErrorMessage } from "@/components/signed-in";
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
        <div className="form">
          <p className="muted">
            Ask for a code from an authenticator app (such as 1Password, Google Authenticator
            or Aegis) at every sign-in, after the password or the provider.
          </p>
          {status.password && (
            <div className="field">
              <label htmlFor="mfa-password">Password</label>
              <input
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
        <div className="form">
          <p className="muted">
            Scan this QR code with your authenticator app, or type the secret into it. Then enter
            the code it shows.
          </p>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing to optimize */}
          <img src={setup.qr} width={200} height={200} alt="QR code for your authenticator app" />
          <p>
            Secret: <code className="secret">{setup.secret}</code>
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
        <div className="form">
          <p>
            <strong>On.</strong> Signing in asks for a code of your authenticator app;{" "}
            {status.recovery_codes} recovery codes left.
          </p>
          <CodeField value={code} onChange={setCode} />
          <div className="actions">
            <AsyncButton
              className="secondary"
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
              className="danger"
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
    <div className="field">
      <label htmlFor="mfa-code">Authentication code</label>
      <input
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
    <div className="notice stack" role="status">
      <p>
        <strong>Your recovery codes.</strong> Each signs you in once without the app. Keep them
        somewhere safe: they are not shown again.
      </p>
      <ul className="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => navigator.clipboard.writeText(text).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <a
          className="button secondary"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="recovery-codes.txt"
        >
          Download
        </a>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
