import { type ReactNode, useId, useState } from 'react';

/**
 * "Add": a field and a button that add what is written to a list being edited. Enter adds
 * too, rather than submitting the surrounding form; `refusal` words why a text can't be added
 * (empty, listed already), shown under the field until the next try.
 */
export function AddByText({
  label,
  button,
  refusal,
  onAdd,
  type = 'text',
  maxLength = 200,
  hint,
}: {
  readonly label: string;
  readonly button: string;
  /** Why `text` (trimmed) can't be added, or null. */
  readonly refusal: (text: string) => string | null;
  readonly onAdd: (text: string) => void;
  readonly type?: 'text' | 'tel';
  readonly maxLength?: number;
  /** Shown under the field and tied to it. */
  readonly hint?: ReactNode;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    const trimmed = text.trim();
    const refused = refusal(trimmed);
    setProblem(refused);
    if (refused !== null) return;
    onAdd(trimmed);
    setText('');
  };
  const describedBy = [hint === undefined ? null : `${id}-hint`, problem && `${id}-problem`]
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <div className="form-grid add-by-name">
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type={type}
            value={text}
            maxLength={maxLength}
            aria-invalid={problem !== null}
            aria-describedby={describedBy === '' ? undefined : describedBy}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              add();
            }}
          />
          {problem !== null && (
            <p className="field-problem" id={`${id}-problem`} role="alert">
              {problem}
            </p>
          )}
        </div>
        <button type="button" className="button-secondary" onClick={add}>
          {button}
        </button>
      </div>
      {hint !== undefined && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </>
  );
}
