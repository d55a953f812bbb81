// How a copy's writer is named in lists: the station's anonymous code
// (korrigo_core::model::anonymous_code, sent with every copy) where identities are
// hidden, else the student's name.

export function writerName(
  copy: { anonymous_code: string; student: { last_name: string; first_name: string } | null },
  anonymous: boolean,
  unknown: string,
): string {
  if (anonymous) return copy.anonymous_code;
  if (!copy.student) return unknown;
  return `${copy.student.last_name.toUpperCase()} ${copy.student.first_name}`.trim();
}
