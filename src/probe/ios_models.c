/*
 * ios_models — Apple model identifier to marketing name and features (see ios_models.h).
 *
 * The rows below are data/ios-models.tsv, one for one and in the same order. To update:
 * edit the TSV, then regenerate the rows with
 *   awk -F'\t' 'function v(s) { if (s == "yes") return "Y"; if (s == "no") return "N"
 *                    if (s == "cellular") return "C"; return "U" }
 *       !/^#/ && NF == 6 { printf "\t{ \"%s\", \"%s\", %s, %s, %s, %s },\n",
 *                          $1, $2, v($3), v($4), v($5), v($6) }' data/ios-models.tsv
 * unit_test_ios_models fails while the two disagree. A linear search is enough: 140 short
 * rows, looked up once per plugged-in device.
 */
#include "probe/ios_models.h"

#include <string.h>

/* Short names for the four feature columns (nfc, gps, headphone_jack, wireless_charging). */
#define Y IOS_FEATURE_YES
#define N IOS_FEATURE_NO
#define C IOS_FEATURE_CELLULAR_ONLY
#define U IOS_FEATURE_UNKNOWN

static const struct ios_model models[] = {
	{ "iPhone6,1", "iPhone 5s", N, Y, Y, N },
	{ "iPhone6,2", "iPhone 5s", N, Y, Y, N },
	{ "iPhone7,1", "iPhone 6 Plus", Y, Y, Y, N },
	{ "iPhone7,2", "iPhone 6", Y, Y, Y, N },
	{ "iPhone8,1", "iPhone 6s", Y, Y, Y, N },
	{ "iPhone8,2", "iPhone 6s Plus", Y, Y, Y, N },
	{ "iPhone8,4", "iPhone SE (1st generation)", Y, Y, Y, N },
	{ "iPhone9,1", "iPhone 7", Y, Y, N, N },
	{ "iPhone9,2", "iPhone 7 Plus", Y, Y, N, N },
	{ "iPhone9,3", "iPhone 7", Y, Y, N, N },
	{ "iPhone9,4", "iPhone 7 Plus", Y, Y, N, N },
	{ "iPhone10,1", "iPhone 8", Y, Y, N, Y },
	{ "iPhone10,2", "iPhone 8 Plus", Y, Y, N, Y },
	{ "iPhone10,3", "iPhone X", Y, Y, N, Y },
	{ "iPhone10,4", "iPhone 8", Y, Y, N, Y },
	{ "iPhone10,5", "iPhone 8 Plus", Y, Y, N, Y },
	{ "iPhone10,6", "iPhone X", Y, Y, N, Y },
	{ "iPhone11,2", "iPhone XS", Y, Y, N, Y },
	{ "iPhone11,4", "iPhone XS Max", Y, Y, N, Y },
	{ "iPhone11,6", "iPhone XS Max", Y, Y, N, Y },
	{ "iPhone11,8", "iPhone XR", Y, Y, N, Y },
	{ "iPhone12,1", "iPhone 11", Y, Y, N, Y },
	{ "iPhone12,3", "iPhone 11 Pro", Y, Y, N, Y },
	{ "iPhone12,5", "iPhone 11 Pro Max", Y, Y, N, Y },
	{ "iPhone12,8", "iPhone SE (2nd generation)", Y, Y, N, Y },
	{ "iPhone13,1", "iPhone 12 mini", Y, Y, N, Y },
	{ "iPhone13,2", "iPhone 12", Y, Y, N, Y },
	{ "iPhone13,3", "iPhone 12 Pro", Y, Y, N, Y },
	{ "iPhone13,4", "iPhone 12 Pro Max", Y, Y, N, Y },
	{ "iPhone14,2", "iPhone 13 Pro", Y, Y, N, Y },
	{ "iPhone14,3", "iPhone 13 Pro Max", Y, Y, N, Y },
	{ "iPhone14,4", "iPhone 13 mini", Y, Y, N, Y },
	{ "iPhone14,5", "iPhone 13", Y, Y, N, Y },
	{ "iPhone14,6", "iPhone SE (3rd generation)", Y, Y, N, Y },
	{ "iPhone14,7", "iPhone 14", Y, Y, N, Y },
	{ "iPhone14,8", "iPhone 14 Plus", Y, Y, N, Y },
	{ "iPhone15,2", "iPhone 14 Pro", Y, Y, N, Y },
	{ "iPhone15,3", "iPhone 14 Pro Max", Y, Y, N, Y },
	{ "iPhone15,4", "iPhone 15", Y, Y, N, Y },
	{ "iPhone15,5", "iPhone 15 Plus", Y, Y, N, Y },
	{ "iPhone16,1", "iPhone 15 Pro", Y, Y, N, Y },
	{ "iPhone16,2", "iPhone 15 Pro Max", Y, Y, N, Y },
	{ "iPhone17,1", "iPhone 16 Pro", Y, Y, N, Y },
	{ "iPhone17,2", "iPhone 16 Pro Max", Y, Y, N, Y },
	{ "iPhone17,3", "iPhone 16", Y, Y, N, Y },
	{ "iPhone17,4", "iPhone 16 Plus", Y, Y, N, Y },
	{ "iPhone17,5", "iPhone 16e", Y, Y, N, Y },
	{ "iPhone18,1", "iPhone 17 Pro", Y, Y, N, Y },
	{ "iPhone18,2", "iPhone 17 Pro Max", Y, Y, N, Y },
	{ "iPhone18,3", "iPhone 17", Y, Y, N, Y },
	{ "iPhone18,4", "iPhone Air", Y, Y, N, Y },
	{ "iPad4,1", "iPad Air", N, C, Y, N },
	{ "iPad4,2", "iPad Air", N, C, Y, N },
	{ "iPad4,3", "iPad Air", N, C, Y, N },
	{ "iPad4,4", "iPad mini 2", N, C, Y, N },
	{ "iPad4,5", "iPad mini 2", N, C, Y, N },
	{ "iPad4,6", "iPad mini 2", N, C, Y, N },
	{ "iPad4,7", "iPad mini 3", N, C, Y, N },
	{ "iPad4,8", "iPad mini 3", N, C, Y, N },
	{ "iPad4,9", "iPad mini 3", N, C, Y, N },
	{ "iPad5,1", "iPad mini 4", N, C, Y, N },
	{ "iPad5,2", "iPad mini 4", N, C, Y, N },
	{ "iPad5,3", "iPad Air 2", N, C, Y, N },
	{ "iPad5,4", "iPad Air 2", N, C, Y, N },
	{ "iPad6,3", "iPad Pro (9.7-inch)", N, C, Y, N },
	{ "iPad6,4", "iPad Pro (9.7-inch)", N, C, Y, N },
	{ "iPad6,7", "iPad Pro (12.9-inch)", N, C, Y, N },
	{ "iPad6,8", "iPad Pro (12.9-inch)", N, C, Y, N },
	{ "iPad6,11", "iPad (5th generation)", N, C, Y, N },
	{ "iPad6,12", "iPad (5th generation)", N, C, Y, N },
	{ "iPad7,1", "iPad Pro (12.9-inch) (2nd generation)", N, C, Y, N },
	{ "iPad7,2", "iPad Pro (12.9-inch) (2nd generation)", N, C, Y, N },
	{ "iPad7,3", "iPad Pro (10.5-inch)", N, C, Y, N },
	{ "iPad7,4", "iPad Pro (10.5-inch)", N, C, Y, N },
	{ "iPad7,5", "iPad (6th generation)", N, C, Y, N },
	{ "iPad7,6", "iPad (6th generation)", N, C, Y, N },
	{ "iPad7,11", "iPad (7th generation)", N, C, Y, N },
	{ "iPad7,12", "iPad (7th generation)", N, C, Y, N },
	{ "iPad8,1", "iPad Pro (11-inch)", N, C, N, N },
	{ "iPad8,2", "iPad Pro (11-inch)", N, C, N, N },
	{ "iPad8,3", "iPad Pro (11-inch)", N, C, N, N },
	{ "iPad8,4", "iPad Pro (11-inch)", N, C, N, N },
	{ "iPad8,5", "iPad Pro (12.9-inch) (3rd generation)", N, C, N, N },
	{ "iPad8,6", "iPad Pro (12.9-inch) (3rd generation)", N, C, N, N },
	{ "iPad8,7", "iPad Pro (12.9-inch) (3rd generation)", N, C, N, N },
	{ "iPad8,8", "iPad Pro (12.9-inch) (3rd generation)", N, C, N, N },
	{ "iPad8,9", "iPad Pro (11-inch) (2nd generation)", N, C, N, N },
	{ "iPad8,10", "iPad Pro (11-inch) (2nd generation)", N, C, N, N },
	{ "iPad8,11", "iPad Pro (12.9-inch) (4th generation)", N, C, N, N },
	{ "iPad8,12", "iPad Pro (12.9-inch) (4th generation)", N, C, N, N },
	{ "iPad11,1", "iPad mini (5th generation)", N, C, Y, N },
	{ "iPad11,2", "iPad mini (5th generation)", N, C, Y, N },
	{ "iPad11,3", "iPad Air (3rd generation)", N, C, Y, N },
	{ "iPad11,4", "iPad Air (3rd generation)", N, C, Y, N },
	{ "iPad11,6", "iPad (8th generation)", N, C, Y, N },
	{ "iPad11,7", "iPad (8th generation)", N, C, Y, N },
	{ "iPad12,1", "iPad (9th generation)", N, C, Y, N },
	{ "iPad12,2", "iPad (9th generation)", N, C, Y, N },
	{ "iPad13,1", "iPad Air (4th generation)", N, C, N, N },
	{ "iPad13,2", "iPad Air (4th generation)", N, C, N, N },
	{ "iPad13,4", "iPad Pro (11-inch) (3rd generation)", N, C, N, N },
	{ "iPad13,5", "iPad Pro (11-inch) (3rd generation)", N, C, N, N },
	{ "iPad13,6", "iPad Pro (11-inch) (3rd generation)", N, C, N, N },
	{ "iPad13,7", "iPad Pro (11-inch) (3rd generation)", N, C, N, N },
	{ "iPad13,8", "iPad Pro (12.9-inch) (5th generation)", N, C, N, N },
	{ "iPad13,9", "iPad Pro (12.9-inch) (5th generation)", N, C, N, N },
	{ "iPad13,10", "iPad Pro (12.9-inch) (5th generation)", N, C, N, N },
	{ "iPad13,11", "iPad Pro (12.9-inch) (5th generation)", N, C, N, N },
	{ "iPad13,16", "iPad Air (5th generation)", N, C, N, N },
	{ "iPad13,17", "iPad Air (5th generation)", N, C, N, N },
	{ "iPad13,18", "iPad (10th generation)", N, C, N, N },
	{ "iPad13,19", "iPad (10th generation)", N, C, N, N },
	{ "iPad14,1", "iPad mini (6th generation)", N, C, N, N },
	{ "iPad14,2", "iPad mini (6th generation)", N, C, N, N },
	{ "iPad14,3", "iPad Pro (11-inch) (4th generation)", N, C, N, N },
	{ "iPad14,4", "iPad Pro (11-inch) (4th generation)", N, C, N, N },
	{ "iPad14,5", "iPad Pro (12.9-inch) (6th generation)", N, C, N, N },
	{ "iPad14,6", "iPad Pro (12.9-inch) (6th generation)", N, C, N, N },
	{ "iPad14,8", "iPad Air 11-inch (M2)", N, C, N, N },
	{ "iPad14,9", "iPad Air 11-inch (M2)", N, C, N, N },
	{ "iPad14,10", "iPad Air 13-inch (M2)", N, C, N, N },
	{ "iPad14,11", "iPad Air 13-inch (M2)", N, C, N, N },
	{ "iPad15,3", "iPad Air 11-inch (M3)", N, C, N, N },
	{ "iPad15,4", "iPad Air 11-inch (M3)", N, C, N, N },
	{ "iPad15,5", "iPad Air 13-inch (M3)", N, C, N, N },
	{ "iPad15,6", "iPad Air 13-inch (M3)", N, C, N, N },
	{ "iPad15,7", "iPad (A16)", N, C, N, N },
	{ "iPad15,8", "iPad (A16)", N, C, N, N },
	{ "iPad16,1", "iPad mini (A17 Pro)", N, C, N, N },
	{ "iPad16,2", "iPad mini (A17 Pro)", N, C, N, N },
	{ "iPad16,3", "iPad Pro 11-inch (M4)", N, C, N, N },
	{ "iPad16,4", "iPad Pro 11-inch (M4)", N, C, N, N },
	{ "iPad16,5", "iPad Pro 13-inch (M4)", N, C, N, N },
	{ "iPad16,6", "iPad Pro 13-inch (M4)", N, C, N, N },
	{ "iPad17,1", "iPad Pro 11-inch (M5)", N, C, N, N },
	{ "iPad17,2", "iPad Pro 11-inch (M5)", N, C, N, N },
	{ "iPad17,3", "iPad Pro 13-inch (M5)", N, C, N, N },
	{ "iPad17,4", "iPad Pro 13-inch (M5)", N, C, N, N },
	{ "iPod7,1", "iPod touch (6th generation)", N, N, Y, N },
	{ "iPod9,1", "iPod touch (7th generation)", N, N, Y, N },
};

#undef Y
#undef N
#undef C
#undef U

#define N_MODELS (sizeof(models) / sizeof(models[0]))

const struct ios_model *ios_model_find(const char *model_id)
{
	if (!model_id)
		return NULL;
	for (size_t i = 0; i < N_MODELS; i++)
		if (strcmp(models[i].model_id, model_id) == 0)
			return &models[i];
	return NULL;
}

const char *ios_marketing_name(const char *model_id)
{
	const struct ios_model *m = ios_model_find(model_id);

	return m ? m->marketing_name : NULL;
}

size_t ios_models_count(void)
{
	return N_MODELS;
}

const struct ios_model *ios_models_row(size_t i)
{
	return i < N_MODELS ? &models[i] : NULL;
}
