/**
 * The version of a key's current secret: 1 at creation, one more at every regenerate
 * (records written before versions were kept have none and count as 1).
 */
export const currentSecretVersion = (key: { secretVersion?: number | undefined }): number => key.secretVersion ?? 1;
