export const PASSWORD_MIN_LENGTH = 10;

/** ≥ 10 characters and at least 3 of 4 classes: lower, upper, digit, symbol. Null when acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `密码至少需要${PASSWORD_MIN_LENGTH}个字符`;
  if (password.length > 128) return '密码不能超过128个字符';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < 3) return '密码需包含小写字母、大写字母、数字、符号中的至少三类';
  return null;
}
