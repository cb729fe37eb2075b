"""The words of the printed documents in English and Traditional Chinese.

A printed advice is read by a beneficiary's clerk, often in Chinese, beside the SWIFT field
tags (which stay as they are: "31D" is the same in every language). Field names not listed
in Chinese are printed with their SWIFT (English) name, as bank advices commonly do.
"""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    "credit_advice": ("Advice of documentary credit", "跟單信用證通知書"),
    "amendment_advice": ("Advice of amendment to documentary credit", "跟單信用證修改通知書"),
    "refusal_notice": ("Notice of refusal (UCP 600 article 16)", "拒付通知書（UCP 600 第十六條）"),
    "amount": ("Amount", "金額"),
    "expiry": ("Expiry", "有效期"),
    "evidence_summary": ("Credit evidence summary", "跟單信用證證據摘要"),
    "produced": ("Printed by", "列印人"),
    "produced_at": ("Printed at (UTC)", "列印時間（UTC）"),
    "state": ("State", "狀態"),
    "amendment": ("Amendment", "修改"),
    "covered_by": ("Checkpoint", "檢查點"),
    "not_yet": ("not yet", "尚未"),
    "no_bundle": ("none yet: no entry of this credit is anchored", "尚無：此信用證尚無已錨定的記錄"),
    "credit_number": ("Documentary credit number", "信用證號碼"),
    "issuing_bank": ("Issuing bank", "開證行"),
    "advising_bank": ("Advising bank", "通知行"),
    "confirming_bank": ("Confirming bank", "保兌行"),
    "nominated_bank": ("Nominated bank", "指定銀行"),
    "second_beneficiary": ("Second beneficiary", "第二受益人"),
    "beneficiary": ("Beneficiary", "受益人"),
    "applicant": ("Applicant", "開證申請人"),
    "advised_on": ("Advised on", "通知日期"),
    "amendment_number": ("Number of amendment", "修改次數"),
    "amendment_date": ("Date of amendment", "修改日期"),
    "message_fields": ("The credit's terms as received (SWIFT MT700 and continuations)",
                       "信用證條款（SWIFT MT700 及續頁）"),
    "amendment_fields": ("The amendment as received (SWIFT MT707 and continuations)", "修改內容（SWIFT MT707 及續頁）"),
    "advice_note": ("We advise you of this credit without any engagement on our part, having checked its apparent "
                    "authenticity (UCP 600 article 9(b)). It is subject to the rules it states.",
                    "本行僅通知閣下此信用證，已核對其表面真實性（UCP 600 第九條(b)款），本行不承擔任何責任。"
                    "信用證受其所載規則約束。"),
    "amendment_note": ("The beneficiary should give notification of acceptance or rejection of this amendment "
                       "(UCP 600 article 10(c)). Partial acceptance is not allowed and is deemed rejection "
                       "(article 10(e)).",
                       "受益人應就接受或拒絕本修改發出通知（UCP 600 第十條(c)款）。不允許部分接受，"
                       "部分接受視為拒絕（第十條(e)款）。"),
    "presentation": ("Presentation", "交單"),
    "amount_claimed": ("Amount claimed", "索償金額"),
    "presented_on": ("Presented on", "交單日期"),
    "refusing_bank": ("Refusing bank", "拒付銀行"),
    "sent_on": ("Notice sent on", "通知發出日期"),
    "refusal_statement": ("We refuse to honour or negotiate.", "本行拒絕承付或議付。"),
    "discrepancies": ("Discrepancies", "不符點"),
    "code": ("Code", "代碼"),
    "article": ("Article", "條款"),
    "discrepancy": ("Discrepancy", "不符點說明"),
    "documents": ("The documents", "單據處理"),
    "parties": ("Parties", "當事人"),
    "versions": ("Versions of the terms", "條款版本"),
    "version": ("Version", "版本"),
    "effective": ("Effective", "生效時間"),
    "sha256": ("SHA-256", "SHA-256"),
    "ledger": ("Ledger entries", "分類帳記錄"),
    "seq": ("Seq", "序號"),
    "kind": ("Event", "事件"),
    "at": ("Time (UTC)", "時間（UTC）"),
    "actor": ("By", "執行者"),
    "status": ("Proof", "證明狀態"),
    "bundle": ("Evidence bundle", "證據包"),
    "bundle_note": ("Verify offline with `python -m ledger.verify_bundle` against the log's published key; the "
                    "bundle's SHA-256 is printed here.",
                    "可使用 `python -m ledger.verify_bundle` 及已公佈之日誌公鑰離線驗證；證據包的 SHA-256 列於此處。"),
    "checkpoint": ("Latest checkpoint", "最新檢查點"),
    "footer": ("Produced by TradeChain. Its SHA-256 is recorded in the ledger entry of the action that produced it.",
               "由 TradeChain 產生。本文件的 SHA-256 記錄於產生它的操作的分類帳記錄中。"),
    "pending": ("pending", "待排序"),
    "sequenced": ("sequenced", "已排序"),
    "anchored": ("anchored", "已錨定"),
    "witnessed": ("witnessed", "已見證"),
}

# SWIFT field names in Traditional Chinese (MT700/701/707 fields a beneficiary reads).
FIELD_NAMES_ZH: dict[str, str] = {
    "20": "跟單信用證號碼", "21": "相關編號", "23": "開證行編號", "26E": "修改次數", "27": "頁次",
    "30": "修改日期", "31C": "開證日期", "31D": "到期日及到期地點", "31E": "新到期日", "32B": "幣別及金額",
    "33B": "增加金額", "34B": "減少金額", "39A": "金額容差百分比", "39C": "附加金額", "40A": "跟單信用證類別",
    "40E": "適用規則", "41a": "指定銀行及兌付方式", "42C": "匯票期限", "42a": "付款人", "42M": "混合付款條款",
    "42P": "延期付款條款", "43P": "分批裝運", "43T": "轉運", "44A": "收貨地／接管地", "44E": "裝運港／起運機場",
    "44F": "卸貨港／目的地機場", "44B": "最終目的地", "44C": "最遲裝運日", "44D": "裝運期", "45A": "貨物及／或服務描述",
    "45B": "貨物及／或服務描述（修改）", "46A": "所需單據", "46B": "所需單據（修改）", "47A": "附加條件",
    "47B": "附加條件（修改）", "48": "交單期限", "49": "保兌指示", "49G": "受益人特別付款條件",
    "49H": "收款銀行特別付款條件", "50": "申請人", "51a": "申請人銀行", "52a": "開證銀行", "53a": "償付銀行",
    "57a": "通知經由銀行", "58a": "請求保兌銀行", "59": "受益人", "71D": "費用", "71N": "費用修改", "72Z": "銀行間資訊",
    "73A": "費用退還", "78": "給付款／承兌／議付銀行之指示", "22A": "修改目的",
}


def phrase(key: str, lang: str) -> str:
    en, zh = PHRASES[key]
    return zh if lang == "zh-Hant" else en


def field_name(tag: str, english: str, lang: str) -> str:
    if lang != "zh-Hant":
        return english
    generic = tag[:2] + "a" if len(tag) == 3 and tag[2].isalpha() and tag[:2] + "a" in FIELD_NAMES_ZH else tag
    return FIELD_NAMES_ZH.get(tag) or FIELD_NAMES_ZH.get(generic) or english
