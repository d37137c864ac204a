/*
 * imei — the 15-digit identity of a phone's radio, as a trainee types it from the box,
 * the SIM tray or the dialler (*#06#). The last digit is a Luhn check digit, so a digit
 * typed wrong, or two swapped next to each other, is caught.
 */
#ifndef ATELIER_UTIL_IMEI_H
#define ATELIER_UTIL_IMEI_H

#include <stddef.h>

#define IMEI_DIGITS 15

/* 1 when S is exactly 15 digits whose Luhn check digit is right. */
int imei_valid(const char *s);

/* One or two IMEIs in TEXT, separated by a comma (spaces and a '/' around them are
 * allowed, as boxes print them), into OUT as "IMEI" or "IMEI1,IMEI2" (SIZE bytes, at
 * least 32). 0 on success; -1 with the reason in WHY ("the check digit of 35... is
 * wrong") when not. Two equal IMEIs are one. */
int imei_list_normalize(const char *text, char *out, size_t size, char *why, size_t why_size);

#endif
